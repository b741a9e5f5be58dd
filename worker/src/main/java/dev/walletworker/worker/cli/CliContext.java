package dev.walletworker.worker.cli;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.account.Wallets;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.mail.MailComposer;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailRenderer;
import dev.walletworker.mail.MailSettings;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.ops.OpsActions;
import dev.walletworker.ops.OpsUsers;
import dev.walletworker.topup.CheckoutTopUps;
import dev.walletworker.topup.PaymentReviews;
import dev.walletworker.topup.TopUpAttempts;
import dev.walletworker.worker.DomainConfiguration;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.db.WorkerDatabase;
import dev.walletworker.worker.mail.MailConfiguration;
import dev.walletworker.worker.scheduling.JobHistory;
import dev.walletworker.worker.scheduling.StoredSchedules;
import dev.walletworker.worker.scheduling.WalletJobs;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What one CLI command works with, each part opened on first use: reading an account binds the
 * settings and opens the database, and starts nothing else (no Spring application context, no
 * scheduler, no batch jobs, no web server). The commands that drive the scheduler open the Spring
 * context of the job commands through {@link #spring}.
 */
final class CliContext implements AutoCloseable {

  private final List<String> args;
  private final Function<List<String>, ConfigurableApplicationContext> springOpener;
  private WorkerProperties properties;
  private WorkerDatabase database;
  private ConfigurableApplicationContext spring;
  private Clock clock;

  /**
   * @param args the command's configuration arguments ({@code --key=value})
   * @param springOpener opens a Spring application context on the same arguments
   */
  CliContext(
      List<String> args, Function<List<String>, ConfigurableApplicationContext> springOpener) {
    this.args = args;
    this.springOpener = springOpener;
  }

  /** The settings, bound and checked (a bad one fails here, before anything is opened). */
  WorkerProperties properties() {
    if (properties == null) {
      properties = CliSettings.load(args);
    }
    return properties;
  }

  /**
   * The database, started or joined, with its schema current and counting months in the configured
   * zone: every command that opens it refuses a {@code TIME_ZONE} other than the one the database
   * recorded, as the daemon does.
   */
  Database database() {
    Database opened = workerDatabase(false).database();
    if (clock == null) {
      clock = DomainConfiguration.clockOf(properties(), opened);
    }
    return opened;
  }

  /** The database as it is, not migrated nor checked: for {@code migrate}. */
  DataSource unmigratedDataSource() {
    return workerDatabase(true).dataSource();
  }

  private WorkerDatabase workerDatabase(boolean forMigration) {
    if (database == null) {
      WorkerProperties.Database settings = properties().database();
      database =
          forMigration
              ? WorkerDatabase.forMigration(settings)
              : WorkerDatabase.forCommand(settings);
    }
    return database;
  }

  /** The clock, once the database agreed with the configured zone. */
  Clock clock() {
    database();
    return clock;
  }

  Accounts accounts() {
    return new Accounts(database(), clock());
  }

  ApiKeys apiKeys() {
    return new ApiKeys(database(), clock());
  }

  Ledger ledger() {
    return new Ledger(database(), clock());
  }

  MailOutbox mailOutbox() {
    return new MailOutbox(database(), clock());
  }

  TopUpAttempts topUpAttempts() {
    return new TopUpAttempts(database(), clock());
  }

  dev.walletworker.holds.Holds holds() {
    return new dev.walletworker.holds.Holds(database());
  }

  CheckoutTopUps checkoutTopUps() {
    return new CheckoutTopUps(database(), clock());
  }

  PaymentReviews paymentReviews() {
    return new PaymentReviews(database(), topUpAttempts(), clock());
  }

  ServiceKeys serviceKeys() {
    return new ServiceKeys(database(), clock());
  }

  ModelPrices modelPrices() {
    return new ModelPrices(database(), clock());
  }

  AuditLog auditLog() {
    return new AuditLog(database(), clock());
  }

  /** The audited ops actions the console runs too. */
  OpsActions opsActions() {
    return new OpsActions(database(), clock());
  }

  OpsUsers opsUsers() {
    return new OpsUsers(database(), clock());
  }

  /**
   * Runs an ops action and the writing of its audit row in one transaction: the domain calls join
   * it, so the action and its row commit together, or neither does.
   */
  <T> T audited(Supplier<T> action) {
    return database().inTransaction(action);
  }

  /**
   * Takes the account's wallet lock in the current transaction, as every writer of the account does
   * first, so that the values read next for the audit row's "before" cannot change before the
   * action does.
   */
  void lockAccount(String accountId) {
    new Wallets(database()).lockForUpdate(accountId);
  }

  MailRenderer mailRenderer() {
    return MailConfiguration.renderer(MailConfiguration.settings(properties()));
  }

  /** Fails, naming the setting, when a mail address in the settings is not valid. */
  MailComposer mailComposer() {
    MailSettings settings = MailConfiguration.settings(properties());
    return MailConfiguration.composer(MailConfiguration.renderer(settings), settings);
  }

  /**
   * The job types with their schedules, checked as the daemon checks them before it starts: every
   * job has a valid cron, no schedule names an unknown job, and the addresses the jobs mail from
   * are valid.
   */
  WalletJobs jobs() {
    WalletJobs jobs = WalletJobs.schedules(properties());
    mailComposer();
    return jobs;
  }

  /** The schedules in the cluster's store, read without creating a scheduler. */
  StoredSchedules storedSchedules() {
    return new StoredSchedules(database().dataSource());
  }

  JobHistory jobHistory() {
    return new JobHistory(database().dataSource());
  }

  /** A bean of the job commands' Spring context (the scheduler's store, the batch jobs). */
  <T> T spring(Class<T> type) {
    if (spring == null) {
      spring = springOpener.apply(args);
    }
    return spring.getBean(type);
  }

  @Override
  public void close() {
    try {
      if (spring != null) {
        spring.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }
}
