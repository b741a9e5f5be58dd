package dev.walletworker.worker;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.mail.MailOutbox;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The domain services of {@code jobs/}, wired to the database and the clock. */
@Configuration(proxyBeanMethods = false)
public class DomainConfiguration {

  @Bean
  Clock clock(WorkerProperties properties) {
    return clockOf(properties);
  }

  /** Time for everything; its zone decides where a calendar month starts. */
  public static Clock clockOf(WorkerProperties properties) {
    return Clock.system(properties.timeZone());
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
}
