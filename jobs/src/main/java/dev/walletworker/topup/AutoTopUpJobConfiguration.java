package dev.walletworker.topup;

import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailSettings;
import dev.walletworker.stripe.StripePayments;
import java.time.Clock;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-topup job, in three steps: claim (commit one pending attempt per wallet below its
 * threshold), charge (take due attempts to Stripe and record the answers), and reconcile (ask again
 * about attempts waiting for the owner's authentication).
 */
@Configuration(proxyBeanMethods = false)
public class AutoTopUpJobConfiguration {

  public static final String JOB_NAME = "auto-topup";

  @Bean
  TopUpAttempts topUpAttempts(Database db, Clock clock) {
    return new TopUpAttempts(db, clock);
  }

  @Bean
  PaymentReviews paymentReviews(Database db, TopUpAttempts attempts, Clock clock) {
    return new PaymentReviews(db, attempts, clock);
  }

  @Bean
  CheckoutTopUps checkoutTopUps(Database db, Clock clock) {
    return new CheckoutTopUps(db, clock);
  }

  @Bean
  TopUpOutcomes topUpOutcomes(
      Database db,
      TopUpAttempts attempts,
      PaymentReviews reviews,
      Ledger ledger,
      MailOutbox mail,
      TopUpSettings settings,
      MailSettings mailSettings,
      Clock clock) {
    // Where the owner confirms a payment that needs authentication: the dashboard every email
    // links to.
    return new TopUpOutcomes(
        db, attempts, reviews, ledger, mail, settings, mailSettings.dashboardUrl(), clock);
  }

  /** Stripe's webhooks settle attempts and credit Checkout top-ups (the HTTP side is worker's). */
  @Bean
  StripeEventHandler stripeEventHandler(
      Database db,
      TopUpAttempts attempts,
      TopUpOutcomes outcomes,
      CheckoutTopUps checkouts,
      PaymentReviews reviews,
      Ledger ledger,
      MailOutbox mail,
      Clock clock) {
    return new StripeEventHandler(db, attempts, outcomes, checkouts, reviews, ledger, mail, clock);
  }

  @Bean
  TopUpCharger topUpCharger(
      TopUpAttempts attempts,
      TopUpOutcomes outcomes,
      StripePayments stripe,
      TopUpSettings settings,
      Clock clock) {
    return new TopUpCharger(attempts, outcomes, stripe, settings, clock, stripe.requestTimeout());
  }

  @Bean
  Job autoTopUpJob(
      JobRepository jobRepository,
      Step claimTopUpsStep,
      Step chargeTopUpsStep,
      Step reconcileTopUpsStep) {
    return new JobBuilder(JOB_NAME, jobRepository)
        .start(claimTopUpsStep)
        .next(chargeTopUpsStep)
        .next(reconcileTopUpsStep)
        .build();
  }

  @Bean
  Step claimTopUpsStep(
      JobRepository jobRepository,
      Database db,
      TopUpAttempts attempts,
      MailOutbox mail,
      TopUpSettings settings,
      StripePayments stripe,
      JdbcPagingItemReader<String> autoTopUpCandidatesItemReader) {
    ItemWriter<String> claimed = chunk -> {};
    return new StepBuilder("claim-topups", jobRepository)
        .<String, String>chunk(settings.batchSize())
        .transactionManager(db.transactionManager())
        .reader(autoTopUpCandidatesItemReader)
        // Without Stripe nothing could be charged: claim nothing, so nothing waits.
        .processor(
            stripe.isConfigured()
                ? new ClaimTopUpItemProcessor(attempts, mail, settings)
                : id -> null)
        .writer(claimed)
        .build();
  }

  /*
   * No transaction around these tasklets: an attempt's lease must commit before Stripe is called,
   * and its outcome right after, each on its own.
   */
  @Bean
  Step chargeTopUpsStep(JobRepository jobRepository, TopUpCharger charger, TopUpSettings settings) {
    Tasklet tasklet =
        (contribution, context) -> {
          int handled = charger.chargeDue();
          for (int i = 0; i < handled; i++) {
            contribution.incrementReadCount();
          }
          contribution.incrementWriteCount(handled);
          return handled == settings.batchSize() ? RepeatStatus.CONTINUABLE : RepeatStatus.FINISHED;
        };
    return new StepBuilder("charge-topups", jobRepository)
        .tasklet(tasklet, new ResourcelessTransactionManager())
        // A step stopped between batches still ends with every charge it took recorded.
        .listener(
            new StepExecutionListener() {
              @Override
              public ExitStatus afterStep(StepExecution stepExecution) {
                charger.awaitInFlight();
                return stepExecution.getExitStatus();
              }
            })
        .build();
  }

  @Bean
  Step reconcileTopUpsStep(JobRepository jobRepository, TopUpCharger charger) {
    Tasklet tasklet =
        (contribution, context) -> {
          int handled = charger.reconcileActions();
          contribution.incrementWriteCount(handled);
          return RepeatStatus.FINISHED;
        };
    return new StepBuilder("reconcile-topups", jobRepository)
        .tasklet(tasklet, new ResourcelessTransactionManager())
        .build();
  }

  /** Keyset paging over the partial index of wallets below their threshold. */
  @Bean
  @StepScope
  JdbcPagingItemReader<String> autoTopUpCandidatesItemReader(Database db, TopUpSettings settings)
      throws Exception {
    return Wallets.autoTopUpCandidates(db, settings.batchSize());
  }
}
