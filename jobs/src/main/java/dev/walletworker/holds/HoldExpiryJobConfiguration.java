package dev.walletworker.holds;

import dev.walletworker.db.ChunkSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hold-expiry job: releases every active hold past its {@code expires_at}. Run by its cron as a
 * safety net and woken at the next expiry (the daemon schedules a wake-up there after each run).
 */
@Configuration(proxyBeanMethods = false)
public class HoldExpiryJobConfiguration {

  private static final Logger log = LoggerFactory.getLogger(HoldExpiryJobConfiguration.class);

  public static final String JOB_NAME = "hold-expiry";

  @Bean
  Job holdExpiryJob(JobRepository jobRepository, Step expireHoldsStep) {
    return new JobBuilder(JOB_NAME, jobRepository).start(expireHoldsStep).build();
  }

  /*
   * Each hold expires in its own transaction (HoldTransfers.expireAll), so the tasklet runs
   * outside one: a crash loses at most the hold in flight, which stays held for the next run.
   */
  @Bean
  Step expireHoldsStep(
      JobRepository jobRepository,
      HoldTransfers transfers,
      @Value("${wallet.jobs.hold-expiry.chunk-size:" + ChunkSize.DEFAULT + "}") int chunkSize) {
    Tasklet tasklet =
        (contribution, context) -> {
          // terminateOnly is how the daemon's shutdown (and jobs stop) asks a step to stop.
          int total =
              transfers.expireAll(
                  chunkSize, () -> context.getStepContext().getStepExecution().isTerminateOnly());
          contribution.incrementWriteCount(total);
          if (total > 0) {
            log.info("holds expired count={}", total);
          }
          return RepeatStatus.FINISHED;
        };
    return new StepBuilder("expire-holds", jobRepository)
        .tasklet(tasklet, new ResourcelessTransactionManager())
        .build();
  }
}
