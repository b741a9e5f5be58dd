package dev.walletworker.worker.scheduling;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The thin Quartz job behind every schedule: it turns the trigger into a batch run. Quartz keeps a
 * job type from running twice at once across the cluster (and the runner's lock makes sure of it);
 * a run whose daemon died is fired again elsewhere as a recovery.
 */
@DisallowConcurrentExecution
public class LaunchBatchJob implements Job {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(LaunchBatchJob.class);

  static final String TRIGGER = "trigger";
  static final String REQUEST_ID = "request.id";

  // A wake-up that finds the job running elsewhere is asked again this much later, so the
  // crossing that sent it is not left for the next cron tick.
  private static final java.time.Duration WAKE_UP_AGAIN = java.time.Duration.ofSeconds(2);

  private final JobRunner runner;
  private final JobControl control;
  private final TimedWakeUps timed;

  public LaunchBatchJob(JobRunner runner, JobControl control, TimedWakeUps timed) {
    this.runner = runner;
    this.control = control;
    this.timed = timed;
  }

  @Override
  public void execute(JobExecutionContext context) {
    RunTrigger trigger =
        context.isRecovering()
            ? RunTrigger.RECOVERY
            : RunTrigger.fromCode(context.getMergedJobDataMap().getString(TRIGGER));
    String job = context.getJobDetail().getKey().getName();
    // The outcome is logged and kept in Batch's history; a failed run is not re-fired in a loop.
    try {
      JobOutcome outcome =
          runner.run(job, trigger, context.getMergedJobDataMap().getString(REQUEST_ID));
      if ("SKIPPED".equals(outcome.status()) && trigger == RunTrigger.WAKEUP) {
        control.queueWakeUp(job, java.time.Instant.now().plus(WAKE_UP_AGAIN));
      }
      // Work known to come due at a time (the next hold's expiry): wake the job then.
      // Never sooner than WAKE_UP_AGAIN: work that is already due and was not done this run
      // (a hold locked by a capture in flight) must not make the job run in a tight loop.
      java.util.Optional<java.time.Instant> next = timed.next(job);
      if (next.isPresent()) {
        java.time.Instant soonest = java.time.Instant.now().plus(WAKE_UP_AGAIN);
        java.time.Instant at = next.get().isBefore(soonest) ? soonest : next.get();
        if (control.runAt(job, at)) {
          log.debug("job wake-up queued job={} at={}", job, at);
        }
      }
    } catch (org.quartz.SchedulerException e) {
      log.error("job wake-up could not be queued again job={} error={}", job, e.getMessage());
    } catch (RuntimeException e) {
      log.error(
          "job could not run job={} trigger={} error={}", job, trigger.code(), e.getMessage());
    }
  }
}
