package dev.walletworker.worker;

import dev.walletworker.worker.billing.BillingConfiguration;
import dev.walletworker.worker.db.DatabaseConfiguration;
import dev.walletworker.worker.http.HttpConfiguration;
import dev.walletworker.worker.ops.OpsConsoleConfiguration;
import dev.walletworker.worker.scheduling.DaemonConfiguration;
import dev.walletworker.worker.scheduling.SchedulerConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The long-running daemon ({@code bin/worker run}): the database, the domain, the clustered
 * scheduler with its jobs, the wake-up listener, and HTTP: the wallet API, the owner's billing
 * pages, and the actuator on the management port.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
// No user store: owners sign in by emailed link (BillingConfiguration); Boot's generated
// password would only be a secret written to the log.
@EnableAutoConfiguration(exclude = UserDetailsServiceAutoConfiguration.class)
@EnableConfigurationProperties(WorkerProperties.class)
@Import({
  DatabaseConfiguration.class,
  DomainConfiguration.class,
  SchedulerConfiguration.class,
  DaemonConfiguration.class,
  HttpConfiguration.class,
  BillingConfiguration.class,
  OpsConsoleConfiguration.class
})
public class DaemonApplication {}
