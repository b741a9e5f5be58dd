package dev.walletworker.worker.scheduling;

import java.util.List;
import java.util.TimeZone;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Everything done to the job schedules through Quartz's JDBC store, so it holds for the whole
 * cluster: registering the cron schedules, queueing runs, pausing and resuming.
 */
public final class JobControl {

  private static final Logger log = LoggerFactory.getLogger(JobControl.class);
  static final String GROUP = "wallet";

  /** Each job's cron trigger is named this, then the job's name. */
  static final String CRON_PREFIX = "cron.";

  /** The NOTIFY channel of wake-ups; the payload is a job name, or {@value #POKE}. */
  public static final String CHANNEL = "wallet_wakeup";

  /** Payload telling daemons that a run was queued in the store: look now, not at the next poll. */
  static final String POKE = "poke";

  private final Scheduler scheduler;
  private final WalletJobs jobs;
  private final JdbcClient jdbc;
  private final StoredSchedules stored;
  private final TransactionTemplate transactions;

  private final TimeZone zone;

  /**
   * @param transactionManager the one of {@code dataSource}, which the scheduler's store uses
   */
  JobControl(
      Scheduler scheduler,
      WalletJobs jobs,
      DataSource dataSource,
      PlatformTransactionManager transactionManager,
      java.time.ZoneId zone) {
    this.zone = TimeZone.getTimeZone(zone);
    this.scheduler = scheduler;
    this.jobs = jobs;
    this.jdbc = JdbcClient.create(dataSource);
    this.stored = new StoredSchedules(dataSource);
    this.transactions = new TransactionTemplate(transactionManager);
  }

  public WalletJobs jobs() {
    return jobs;
  }

  /**
   * Makes the store's jobs and cron triggers match the configuration. A schedule whose cron changed
   * is replaced; a paused schedule stays paused.
   */
  void registerSchedules() throws SchedulerException {
    for (WalletJobs.WalletJob job : jobs.all()) {
      inStoreTransaction(
          () -> {
            register(job);
            return null;
          });
    }
  }

  /**
   * Registers the jobs no daemon has registered yet, without touching existing schedules (a CLI
   * must not rewrite the cluster's crons): pausing or queueing needs the job in the store.
   */
  public void registerSchedulesIfMissing() throws SchedulerException {
    for (WalletJobs.WalletJob job : jobs.all()) {
      inStoreTransaction(
          () -> {
            if (!scheduler.checkExists(jobKey(job.name()))) {
              register(job);
            }
            return null;
          });
    }
  }

  private void register(WalletJobs.WalletJob job) throws SchedulerException {
    JobDetail detail =
        JobBuilder.newJob(LaunchBatchJob.class)
            .withIdentity(jobKey(job.name()))
            .withDescription("runs the " + job.name() + " batch job")
            .storeDurably()
            // A run whose daemon died is fired again by another member of the cluster.
            .requestRecovery()
            .build();
    scheduler.addJob(detail, true);
    TriggerKey key = cronKey(job.name());
    Trigger desired =
        TriggerBuilder.newTrigger()
            .withIdentity(key)
            .forJob(detail)
            .withSchedule(
                CronScheduleBuilder.cronSchedule(job.cron())
                    .inTimeZone(zone)
                    // Ticks missed while every daemon was down fire once, not once per tick.
                    .withMisfireHandlingInstructionFireAndProceed())
            .build();
    Trigger existing = scheduler.getTrigger(key);
    if (existing == null) {
      try {
        scheduler.scheduleJob(desired);
        log.info("schedule registered job={} cron='{}'", job.name(), job.cron());
      } catch (ObjectAlreadyExistsException anotherProcessWasFirst) {
        // Registered by a process starting at the same moment, from the same configuration.
      }
    } else if (!(existing instanceof CronTrigger cron
        && cron.getCronExpression().equals(job.cron()))) {
      boolean paused = scheduler.getTriggerState(key) == Trigger.TriggerState.PAUSED;
      scheduler.rescheduleJob(key, desired);
      if (paused) {
        scheduler.pauseTrigger(key);
      }
      log.info("schedule changed job={} cron='{}' paused={}", job.name(), job.cron(), paused);
    }
  }

  /**
   * Queues a run in the store; whichever daemon is up runs it (a paused job too: ops asked).
   *
   * @return the request id that the run's history will carry
   */
  public String queue(String name, RunTrigger trigger) throws SchedulerException {
    jobs.get(name);
    String requestId = UUID.randomUUID().toString();
    JobDataMap data = new JobDataMap();
    data.put(LaunchBatchJob.TRIGGER, trigger.code());
    data.put(LaunchBatchJob.REQUEST_ID, requestId);
    inStoreTransaction(
        () -> {
          scheduler.triggerJob(jobKey(name), data);
          return null;
        });
    jdbc.sql("SELECT pg_notify(?, ?)").params(CHANNEL, POKE).query().singleRow();
    log.info("job queued job={} trigger={} request={}", name, trigger.code(), requestId);
    return requestId;
  }

  /**
   * Queues a wake-up run unless one is already waiting (bursts coalesce into one run) or the job is
   * paused. A wake-up arriving while the job runs queues one more run after it, so a crossing
   * behind the running scan is not left for the next cron tick.
   *
   * @return whether a run was queued
   */
  boolean queueWakeUp(String name) throws SchedulerException {
    return queueWakeUp(name, null);
  }

  /** A wake-up that fires at {@code start} (null: now), coalescing like {@link #queueWakeUp}. */
  boolean queueWakeUp(String name, java.time.Instant start) throws SchedulerException {
    JobKey key = jobKey(name);
    if (isPaused(name)) {
      return false;
    }
    return inStoreTransaction(
        () -> {
          for (Trigger trigger : scheduler.getTriggersOfJob(key)) {
            if (trigger.getKey().getName().startsWith("wakeup.")) {
              Trigger.TriggerState state = scheduler.getTriggerState(trigger.getKey());
              if (state == Trigger.TriggerState.NORMAL || state == Trigger.TriggerState.BLOCKED) {
                return false;
              }
            }
          }
          JobDataMap data = new JobDataMap();
          data.put(LaunchBatchJob.TRIGGER, RunTrigger.WAKEUP.code());
          scheduler.scheduleJob(
              TriggerBuilder.newTrigger()
                  .withIdentity("wakeup." + UUID.randomUUID(), GROUP)
                  .forJob(key)
                  .usingJobData(data)
                  .startAt(start == null ? new java.util.Date() : java.util.Date.from(start))
                  .build());
          return true;
        });
  }

  /**
   * Makes the job run at {@code at} (a hold's expiry), unless its timed run is already due sooner
   * or the job is paused. One timed trigger per job, {@code timed.NAME}, apart from the wake-ups: a
   * wake-up waiting to run now does not stop a later timed run, nor a later one an earlier.
   *
   * <p>Calls are serialised across the cluster (a transaction-scoped advisory lock on the trigger's
   * name), as every daemon's wake-up listener and the job's own run may move it at once: the read
   * of the trigger and its write are then one step, so a later time written last cannot replace an
   * earlier one, and two daemons cannot both create the trigger.
   *
   * @return whether the timed run was (re)scheduled
   */
  boolean runAt(String name, java.time.Instant at) throws SchedulerException {
    if (isPaused(name)) {
      return false;
    }
    TriggerKey key = TriggerKey.triggerKey("timed." + name, GROUP);
    return inStoreTransaction(
        () -> {
          jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))")
              .param("wallet-worker " + key)
              .query(rs -> {});
          Trigger existing = scheduler.getTrigger(key);
          java.util.Date when = java.util.Date.from(at);
          if (existing != null
              && existing.getNextFireTime() != null
              && !existing.getNextFireTime().after(when)) {
            return false;
          }
          JobDataMap data = new JobDataMap();
          data.put(LaunchBatchJob.TRIGGER, RunTrigger.WAKEUP.code());
          Trigger timed =
              TriggerBuilder.newTrigger()
                  .withIdentity(key)
                  .forJob(jobKey(name))
                  .usingJobData(data)
                  .startAt(when)
                  .build();
          if (existing == null) {
            scheduler.scheduleJob(timed);
          } else {
            scheduler.rescheduleJob(key, timed);
          }
          return true;
        });
  }

  public void pause(String name) throws SchedulerException {
    jobs.get(name);
    inStoreTransaction(
        () -> {
          scheduler.pauseJob(jobKey(name));
          return null;
        });
    log.info("job paused job={}", name);
  }

  public void resume(String name) throws SchedulerException {
    jobs.get(name);
    inStoreTransaction(
        () -> {
          scheduler.resumeJob(jobKey(name));
          return null;
        });
    log.info("job resumed job={}", name);
  }

  public boolean isPaused(String name) throws SchedulerException {
    return scheduler.getTriggerState(cronKey(name)) == Trigger.TriggerState.PAUSED;
  }

  /** Daemons that checked in with the cluster recently. */
  public List<String> liveDaemons() {
    return stored.liveDaemons();
  }

  /** A change to the scheduler's store. */
  private interface StoreChange<T> {
    T apply() throws SchedulerException;
  }

  /**
   * Runs {@code change} in one transaction. The store (Spring's LocalDataSourceJobStore) takes
   * Quartz's row lock in the caller's transaction; outside one every statement commits on its own
   * and the lock is gone at once. Then a trigger stored while a run of its job is finishing is
   * stored BLOCKED after the finishing run has unblocked the job's triggers, and stays BLOCKED: its
   * job never runs again on a wake-up, only at its cron ticks.
   */
  private <T> T inStoreTransaction(StoreChange<T> change) throws SchedulerException {
    try {
      return transactions.execute(
          status -> {
            try {
              return change.apply();
            } catch (SchedulerException e) {
              throw new StoreChangeFailed(e);
            }
          });
    } catch (StoreChangeFailed failed) {
      throw failed.cause;
    }
  }

  private static final class StoreChangeFailed extends RuntimeException {
    final SchedulerException cause;

    StoreChangeFailed(SchedulerException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  static JobKey jobKey(String name) {
    return JobKey.jobKey(name, GROUP);
  }

  static TriggerKey cronKey(String name) {
    return TriggerKey.triggerKey(CRON_PREFIX + name, GROUP);
  }
}
