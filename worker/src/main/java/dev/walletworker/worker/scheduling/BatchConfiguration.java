package dev.walletworker.worker.scheduling;

import dev.walletworker.alerts.LowBalanceAlertsJobConfiguration;
import dev.walletworker.budget.BudgetJobsConfiguration;
import dev.walletworker.holds.HoldExpiryJobConfiguration;
import dev.walletworker.mail.MailDispatchJobConfiguration;
import dev.walletworker.topup.AutoTopUpJobConfiguration;
import dev.walletworker.worker.mail.MailConfiguration;
import dev.walletworker.worker.stripe.StripeConfiguration;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.annotation.Isolation;

/**
 * Spring Batch on the application's PostgreSQL (tables from the migrations), and every batch job of
 * {@code jobs/}. A job added there is registered by importing its configuration here and giving it
 * a cron in {@code wallet.jobs}.
 */
@Configuration(proxyBeanMethods = false)
@EnableBatchProcessing
// Batch creates job instances at SERIALIZABLE by default; on PostgreSQL two jobs starting in the
// same moment then abort each other ("could not serialize access"). The instance table's unique key
// already keeps an instance from being created twice.
@EnableJdbcJobRepository(
    dataSourceRef = "dataSource",
    transactionManagerRef = "transactionManager",
    isolationLevelForCreate = Isolation.READ_COMMITTED)
@Import({
  MailConfiguration.class,
  StripeConfiguration.class,
  AutoTopUpJobConfiguration.class,
  BudgetJobsConfiguration.class,
  HoldExpiryJobConfiguration.class,
  LowBalanceAlertsJobConfiguration.class,
  MailDispatchJobConfiguration.class
})
public class BatchConfiguration {}
