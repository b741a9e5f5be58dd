package dev.walletworker.budget;

import dev.walletworker.account.Wallets;
import dev.walletworker.db.ChunkSize;
import dev.walletworker.db.Database;
import dev.walletworker.mail.MailOutbox;
import java.time.Clock;
import java.time.YearMonth;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The budget-enforcement job (spending limits against month-to-date spend) and the month-rollover
 * job (lift spending-limit blocks when a new month starts; safe to run again for the same month).
 */
@Configuration(proxyBeanMethods = false)
public class BudgetJobsConfiguration {

  private static final Logger log = LoggerFactory.getLogger(BudgetJobsConfiguration.class);

  public static final String ENFORCEMENT_JOB = "budget-enforcement";
  public static final String ROLLOVER_JOB = "month-rollover";

  @Bean
  SpendingBlocks spendingBlocks(Database db, MailOutbox mail, Clock clock) {
    return new SpendingBlocks(db, mail, clock);
  }

  @Bean
  Job budgetEnforcementJob(JobRepository jobRepository, Step enforceSpendingLimitsStep) {
    return new JobBuilder(ENFORCEMENT_JOB, jobRepository).start(enforceSpendingLimitsStep).build();
  }

  @Bean
  Step enforceSpendingLimitsStep(
      JobRepository jobRepository,
      Database db,
      SpendingBlocks blocks,
      MailOutbox mail,
      Clock clock,
      JdbcPagingItemReader<String> spendingLimitCandidatesItemReader,
      @Value("${wallet.jobs.budget-enforcement.chunk-size:" + ChunkSize.DEFAULT + "}")
          int chunkSize) {
    return new StepBuilder("enforce-spending-limits", jobRepository)
        .<String, String>chunk(chunkSize)
        .transactionManager(db.transactionManager())
        .reader(spendingLimitCandidatesItemReader)
        .processor(new EnforceSpendingLimitItemProcessor(db, blocks, mail, clock))
        .writer(chunk -> {})
        .build();
  }

  /**
   * Wallets at 80% of their limit or more (the partial index), and accounts blocked by their limit
   * (to lift blocks that no longer apply): never the whole table, never the ledger.
   */
  @Bean
  @StepScope
  JdbcPagingItemReader<String> spendingLimitCandidatesItemReader(
      Database db,
      @Value("${wallet.jobs.budget-enforcement.chunk-size:" + ChunkSize.DEFAULT + "}")
          int chunkSize)
      throws Exception {
    return Wallets.budgetCandidates(db, chunkSize);
  }

  @Bean
  Job monthRolloverJob(JobRepository jobRepository, Step liftLastMonthsBlocksStep) {
    return new JobBuilder(ROLLOVER_JOB, jobRepository).start(liftLastMonthsBlocksStep).build();
  }

  /* Each account in its own transaction: one that fails does not hold back the others. */
  @Bean
  Step liftLastMonthsBlocksStep(JobRepository jobRepository, Database db, SpendingBlocks blocks) {
    Tasklet tasklet =
        (contribution, context) -> {
          YearMonth month = blocks.currentMonth();
          List<Wallets.LimitBlock> blocked =
              new Wallets(db).blockedByLimitBefore(blocks.start(month));
          int lifted = 0;
          for (Wallets.LimitBlock row : blocked) {
            contribution.incrementReadCount();
            // AccountBlocks takes the wallet's row lock before it looks at the block again.
            boolean done =
                db.inTransaction(
                    () ->
                        blocks.unblock(row.accountId(), true, row.limit(), row.currency(), month));
            if (done) {
              lifted++;
            }
          }
          contribution.incrementWriteCount(lifted);
          log.info("month rollover month={} spending-limit blocks lifted={}", month, lifted);
          return RepeatStatus.FINISHED;
        };
    return new StepBuilder("lift-last-months-blocks", jobRepository)
        .tasklet(tasklet, new ResourcelessTransactionManager())
        .build();
  }
}
