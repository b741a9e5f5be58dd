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

  private final JobRunner runner;

  public LaunchBatchJob(JobRunner runner) {
    this.runner = runner;
  }

  @Override
  public void execute(JobExecutionContext context) {
    String trigger =
        context.isRecovering()
            ? "recovery"
            : context.getMergedJobDataMap().getString(TRIGGER) == null
                ? "cron"
                : context.getMergedJobDataMap().getString(TRIGGER);
    String job = context.getJobDetail().getKey().getName();
    // The outcome is logged and kept in Batch's history; a failed run is not re-fired in a loop.
    try {
      runner.run(job, trigger, context.getMergedJobDataMap().getString(REQUEST_ID));
    } catch (RuntimeException e) {
      log.error("job could not run job={} trigger={} error={}", job, trigger, e.getMessage());
    }
  }
}
