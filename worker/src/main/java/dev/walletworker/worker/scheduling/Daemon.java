package dev.walletworker.worker.scheduling;

import java.time.Duration;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The daemon's life: at start, register the schedules, join the cluster and listen for wake-ups; at
 * stop (SIGTERM), stop taking triggers, give running jobs {@code drainTimeout} to finish, then ask
 * the rest to stop at their next chunk boundary (they are finished by the next run).
 */
final class Daemon implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Scheduler scheduler;
  private final JobControl control;
  private final WakeUpListener listener;
  private final RunningExecutions executions;
  private final JdbcClient jdbc;
  private final Duration drainTimeout;
  private final boolean listen;
  private volatile boolean running;
  private final boolean enabled;

  Daemon(
      Scheduler scheduler,
      JobControl control,
      WakeUpListener listener,
      RunningExecutions executions,
      JdbcClient jdbc,
      Duration drainTimeout,
      boolean listen,
      boolean enabled) {
    this.enabled = enabled;
    this.scheduler = scheduler;
    this.control = control;
    this.listener = listener;
    this.executions = executions;
    this.jdbc = jdbc;
    this.drainTimeout = drainTimeout;
    this.listen = listen;
  }

  @Override
  public void start() {
    try {
      control.registerSchedules();
      scheduler.start();
      if (listen) {
        listener.start();
      }
      running = true;
      log.info(
          "daemon started instance={} jobs={}",
          scheduler.getSchedulerInstanceId(),
          control.jobs().all().stream().map(WalletJobs.WalletJob::name).toList());
    } catch (SchedulerException e) {
      throw new IllegalStateException("the scheduler could not start: " + e.getMessage(), e);
    }
  }

  @Override
  public void stop() {
    running = false;
    listener.stop();
    try {
      scheduler.standby();
      log.info(
          "daemon stopping: no new runs; waiting up to {} s for running jobs",
          drainTimeout.toSeconds());
      if (!waitForRunningJobs(drainTimeout)) {
        for (JobExecution execution : executions.all()) {
          log.warn(
              "job still running after the drain timeout job={} execution={}; stopping it at its next chunk",
              execution.getJobInstance().getJobName(),
              execution.getId());
          RunningExecutions.stop(execution);
        }
        waitForRunningJobs(STOP_GRACE);
      }
      String instance = scheduler.getSchedulerInstanceId();
      scheduler.shutdown(false);
      // Leave the cluster now, so `jobs trigger --wait` stops counting this daemon as alive.
      jdbc.sql("DELETE FROM qrtz_scheduler_state WHERE sched_name = ? AND instance_name = ?")
          .params(SchedulerConfiguration.SCHEDULER_NAME, instance)
          .update();
      log.info("daemon stopped instance={}", instance);
    } catch (SchedulerException e) {
      log.warn("scheduler did not stop cleanly: {}", e.getMessage());
    }
  }

  private boolean waitForRunningJobs(Duration timeout) throws SchedulerException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!scheduler.getCurrentlyExecutingJobs().isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** An API-only node ({@code SCHEDULER_ENABLED=false}) never joins the cluster. */
  @Override
  public boolean isAutoStartup() {
    return enabled;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  boolean isListening() {
    return listener.isConnected();
  }
}
