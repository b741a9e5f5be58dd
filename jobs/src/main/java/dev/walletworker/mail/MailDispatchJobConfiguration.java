package dev.walletworker.mail;

import dev.walletworker.db.Database;
import java.time.Clock;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The mail-dispatch job: sends due outbox mail batch by batch until none is due (or the SMTP server
 * is down, in which case the rest waits for its back-off).
 */
@Configuration(proxyBeanMethods = false)
public class MailDispatchJobConfiguration {

  public static final String JOB_NAME = "mail-dispatch";

  @Bean
  MailDispatcher mailDispatcher(
      Database db, MailSettings settings, MailComposer composer, Clock clock) {
    return new MailDispatcher(db, settings, composer, clock);
  }

  @Bean
  Job mailDispatchJob(JobRepository jobRepository, Step sendDueMailStep) {
    return new JobBuilder(JOB_NAME, jobRepository).start(sendDueMailStep).build();
  }

  /*
   * No transaction around the tasklet: the claim, and each "sent" mark, must commit on their own
   * (an SMTP send cannot be rolled back, so its record must not be either).
   */
  @Bean
  Step sendDueMailStep(
      JobRepository jobRepository, MailDispatcher dispatcher, MailSettings settings) {
    Tasklet tasklet =
        (contribution, context) -> {
          DispatchResult result = dispatcher.dispatchBatch();
          for (int i = 0; i < result.claimed(); i++) {
            contribution.incrementReadCount();
          }
          contribution.incrementWriteCount(result.sent());
          contribution.incrementProcessSkipCount(result.retrying() + result.failed());
          boolean more = result.claimed() == settings.batchSize() && !result.serverDown();
          return more ? RepeatStatus.CONTINUABLE : RepeatStatus.FINISHED;
        };
    return new StepBuilder("send-due-mail", jobRepository)
        .tasklet(tasklet, new ResourcelessTransactionManager())
        .build();
  }
}
