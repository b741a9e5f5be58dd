package dev.walletworker.worker.scheduling;

import dev.walletworker.worker.WorkerProperties;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What only the long-running daemon has: the started scheduler, the wake-up listener, health. */
@Configuration(proxyBeanMethods = false)
public class DaemonConfiguration {

  @Bean
  WakeUpListener wakeUpListener(
      DataSource dataSource,
      JobControl control,
      TimedWakeUps timed,
      Scheduler scheduler,
      WorkerProperties properties) {
    return new WakeUpListener(
        dataSource,
        control,
        timed,
        scheduler,
        properties.wakeup().coalesce(),
        properties.wakeup().reconnectDelay());
  }

  @Bean
  Daemon daemon(
      Scheduler scheduler,
      JobControl control,
      WakeUpListener listener,
      RunningExecutions running,
      DataSource dataSource,
      WorkerProperties properties) {
    return new Daemon(
        scheduler,
        control,
        listener,
        running,
        JdbcClient.create(dataSource),
        properties.scheduler().drainTimeout(),
        properties.wakeup().enabled(),
        properties.scheduler().enabled());
  }

  /** The "db" health check, in place of Boot's own: it answers within a second. */
  @Bean
  HealthIndicator dbHealthIndicator(javax.sql.DataSource dataSource) {
    return new DatabaseHealth(dataSource);
  }

  /** Up while this daemon is a running member of the cluster; reports the wake-up listener. */
  @Bean
  HealthIndicator schedulerHealthIndicator(
      Scheduler scheduler, Daemon daemon, WorkerProperties properties) {
    return () -> {
      if (!properties.scheduler().enabled()) {
        // An API-only node is ready when it can serve HTTP; it never joins the cluster.
        return Health.up().withDetail("mode", "api-only (SCHEDULER_ENABLED=false)").build();
      }
      try {
        boolean up =
            scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        Health.Builder health = up ? Health.up() : Health.down();
        return health
            .withDetail("instance", scheduler.getSchedulerInstanceId())
            .withDetail("running_jobs", scheduler.getCurrentlyExecutingJobs().size())
            .withDetail(
                "wakeup_listener",
                !properties.wakeup().enabled()
                    ? "disabled"
                    : daemon.isListening() ? "listening" : "reconnecting")
            .build();
      } catch (SchedulerException e) {
        return Health.down(e).build();
      }
    };
  }
}
