package dev.walletworker.alerts;

import dev.walletworker.account.Wallets;
import dev.walletworker.db.ChunkSize;
import dev.walletworker.db.Database;
import dev.walletworker.mail.MailOutbox;
import java.time.Clock;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The low-balance-alerts job: finds armed wallets below their alert threshold, claims each crossing
 * and queues one email for it.
 */
@Configuration(proxyBeanMethods = false)
public class LowBalanceAlertsJobConfiguration {

  public static final String JOB_NAME = "low-balance-alerts";

  @Bean
  Job lowBalanceAlertsJob(JobRepository jobRepository, Step claimAndQueueLowBalanceAlertsStep) {
    return new JobBuilder(JOB_NAME, jobRepository).start(claimAndQueueLowBalanceAlertsStep).build();
  }

  @Bean
  Step claimAndQueueLowBalanceAlertsStep(
      JobRepository jobRepository,
      Database db,
      Clock clock,
      MailOutbox mail,
      JdbcPagingItemReader<String> lowBalanceCandidatesItemReader,
      @Value("${wallet.jobs.low-balance-alerts.chunk-size:" + ChunkSize.DEFAULT + "}")
          int chunkSize) {
    return new StepBuilder("claim-and-queue-alerts", jobRepository)
        .<String, LowBalanceAlert>chunk(chunkSize)
        .transactionManager(db.transactionManager())
        .reader(lowBalanceCandidatesItemReader)
        .processor(new ClaimLowBalanceAlertItemProcessor(db, clock))
        .writer(new EnqueueLowBalanceEmailItemWriter(db, mail))
        .build();
  }

  /** Keyset paging on the account id: restartable, and claims made behind it do not shift pages. */
  @Bean
  @StepScope
  JdbcPagingItemReader<String> lowBalanceCandidatesItemReader(
      Database db,
      @Value("${wallet.jobs.low-balance-alerts.chunk-size:" + ChunkSize.DEFAULT + "}")
          int chunkSize)
      throws Exception {
    return Wallets.lowBalanceCandidates(db, chunkSize);
  }
}
