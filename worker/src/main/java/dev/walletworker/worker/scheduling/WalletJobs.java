package dev.walletworker.worker.scheduling;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.worker.WorkerProperties;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quartz.CronExpression;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;

/** The job types this worker runs: each batch job with its schedule. Checked once at start. */
public final class WalletJobs {

  /** One job type. */
  public record WalletJob(String name, Job batchJob, String cron) {}

  private final Map<String, WalletJob> jobs = new TreeMap<>();

  WalletJobs(Collection<Job> batchJobs, WorkerProperties properties, RunningExecutions running) {
    Map<String, WorkerProperties.JobSettings> settings = properties.jobs();
    for (Job job : batchJobs) {
      if (job instanceof AbstractJob tracked) {
        tracked.registerJobExecutionListener(running);
      }
      WorkerProperties.JobSettings schedule = settings.get(job.getName());
      if (schedule == null || schedule.cron() == null || schedule.cron().isBlank()) {
        throw new IllegalStateException(
            "wallet.jobs." + job.getName() + ".cron is not set: every job needs a schedule");
      }
      if (!CronExpression.isValidExpression(schedule.cron())) {
        throw new IllegalStateException(
            "wallet.jobs."
                + job.getName()
                + ".cron '"
                + schedule.cron()
                + "' is not a valid Quartz"
                + " cron expression (seconds minutes hours day-of-month month day-of-week, e.g."
                + " '0 * * * * ?')");
      }
      jobs.put(job.getName(), new WalletJob(job.getName(), job, schedule.cron()));
    }
    var unknown = new TreeSet<>(settings.keySet());
    unknown.removeAll(jobs.keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(
          "wallet.jobs names unknown jobs " + unknown + "; the jobs are " + jobs.keySet());
    }
  }

  public List<WalletJob> all() {
    return List.copyOf(jobs.values());
  }

  public boolean contains(String name) {
    return jobs.containsKey(name);
  }

  /** The job called {@code name}, or a clear error naming the jobs there are. */
  public WalletJob get(String name) {
    WalletJob job = jobs.get(name);
    if (job == null) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "unknown job '" + name + "'; the jobs are " + String.join(", ", jobs.keySet()),
          "job");
    }
    return job;
  }
}
