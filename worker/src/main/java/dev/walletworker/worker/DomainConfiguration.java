package dev.walletworker.worker;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
import dev.walletworker.db.SystemSettings;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.metering.UsageRecorder;
import java.time.Clock;
import java.time.ZoneId;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The domain services of {@code jobs/}, wired to the database and the clock. */
@Configuration(proxyBeanMethods = false)
public class DomainConfiguration {

  @Bean
  Clock clock(WorkerProperties properties, Database database) {
    return clockOf(properties, database);
  }

  /**
   * Time for everything; its zone decides where a calendar month starts. Every process on the
   * database must count months in the same zone (else a debit of the old month could land after
   * another process started the new one), so a process whose {@code TIME_ZONE} differs from the
   * zone the database recorded refuses to start.
   */
  public static Clock clockOf(WorkerProperties properties, Database database) {
    ZoneId configured = properties.timeZone();
    Clock clock = Clock.system(configured);
    ZoneId recorded = new SystemSettings(database).timeZone(configured, clock);
    // Equal rules, not equal names: "UTC" and "Etc/UTC" start months at the same instant.
    if (!recorded.getRules().equals(configured.getRules())) {
      throw new IllegalStateException(
          "TIME_ZONE (wallet.time-zone) is "
              + configured.getId()
              + ", but this database counts calendar months in "
              + recorded.getId()
              + " (recorded by the first process that started on it); start every process with"
              + " TIME_ZONE="
              + recorded.getId());
    }
    return clock;
  }

  @Bean
  Accounts accounts(Database database, Clock clock) {
    return new Accounts(database, clock);
  }

  @Bean
  Ledger ledger(Database database, Clock clock) {
    return new Ledger(database, clock);
  }

  @Bean
  ApiKeys apiKeys(Database database, Clock clock) {
    return new ApiKeys(database, clock);
  }

  @Bean
  MailOutbox mailOutbox(Database database, Clock clock) {
    return new MailOutbox(database, clock);
  }

  @Bean
  ServiceKeys serviceKeys(Database database, Clock clock) {
    return new ServiceKeys(database, clock);
  }

  @Bean
  ModelPrices modelPrices(Database database, Clock clock) {
    return new ModelPrices(database, clock);
  }

  @Bean
  Holds holds(Database database) {
    return new Holds(database);
  }

  @Bean
  HoldTransfers holdTransfers(Database database, Holds holds, ModelPrices prices, Clock clock) {
    return new HoldTransfers(database, holds, new Wallets(database), prices, clock);
  }

  @Bean
  UsageRecorder usageRecorder(Database database, ModelPrices prices, Ledger ledger, Clock clock) {
    return new UsageRecorder(database, prices, ledger, clock);
  }
}
