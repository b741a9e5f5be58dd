package dev.walletworker.worker;

import dev.walletworker.worker.db.DatabaseConfiguration;
import dev.walletworker.worker.http.HttpConfiguration;
import dev.walletworker.worker.scheduling.DaemonConfiguration;
import dev.walletworker.worker.scheduling.SchedulerConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * The long-running daemon ({@code bin/worker run}): the database, the domain, the clustered
 * scheduler with its jobs, the wake-up listener, and HTTP (actuator on the management port).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableConfigurationProperties(WorkerProperties.class)
@Import({
  DatabaseConfiguration.class,
  DomainConfiguration.class,
  SchedulerConfiguration.class,
  DaemonConfiguration.class,
  HttpConfiguration.class
})
public class DaemonApplication {}
