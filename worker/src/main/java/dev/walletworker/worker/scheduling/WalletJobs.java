package dev.walletworker.worker.scheduling;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.alerts.LowBalanceAlertsJobConfiguration;
import dev.walletworker.budget.BudgetJobsConfiguration;
import dev.walletworker.holds.HoldExpiryJobConfiguration;
import dev.walletworker.mail.MailDispatchJobConfiguration;
import dev.walletworker.topup.AutoTopUpJobConfiguration;
import dev.walletworker.worker.WorkerProperties;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quartz.CronExpression;
import org.springframework.batch.core.job.Job;

/**
 * The job types this worker runs, each with its schedule; checked once at start. The names are
 * known without the batch jobs, so that {@code jobs list} answers without loading Spring Batch;
 * where the batch jobs are created (the daemon, {@code jobs trigger}), they must be exactly these.
 */
public final class WalletJobs {

  /**
   * Every job type: the names of the batch jobs that {@link BatchConfiguration} imports. A new job
   * is added in both places; a process that creates the batch jobs refuses to start when they
   * differ.
   */
  static final Set<String> NAMES =
      Set.of(
          AutoTopUpJobConfiguration.JOB_NAME,
          BudgetJobsConfiguration.ENFORCEMENT_JOB,
          BudgetJobsConfiguration.ROLLOVER_JOB,
          HoldExpiryJobConfiguration.JOB_NAME,
          LowBalanceAlertsJobConfiguration.JOB_NAME,
          MailDispatchJobConfiguration.JOB_NAME);

  /** One job type. */
  public record WalletJob(String name, String cron) {}

  private final Map<String, WalletJob> jobs = new TreeMap<>();
  private final Map<String, Job> batchJobs;

  private WalletJobs(WorkerProperties properties, Map<String, Job> batchJobs) {
    this.batchJobs = batchJobs;
    Map<String, WorkerProperties.JobSettings> settings = properties.jobs();
    for (String name : new TreeSet<>(NAMES)) {
      WorkerProperties.JobSettings schedule = settings.get(name);
      if (schedule == null || schedule.cron() == null || schedule.cron().isBlank()) {
        throw new IllegalStateException(
            "wallet.jobs." + name + ".cron is not set: every job needs a schedule");
      }
      if (!CronExpression.isValidExpression(schedule.cron())) {
        throw new IllegalStateException(
            "wallet.jobs."
                + name
                + ".cron '"
                + schedule.cron()
                + "' is not a valid Quartz"
                + " cron expression (seconds minutes hours day-of-month month day-of-week, e.g."
                + " '0 * * * * ?')");
      }
      jobs.put(name, new WalletJob(name, schedule.cron()));
    }
    var unknown = new TreeSet<>(settings.keySet());
    unknown.removeAll(jobs.keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(
          "wallet.jobs names unknown jobs " + unknown + "; the jobs are " + jobs.keySet());
    }
  }

  /** The job types and their checked schedules, without the batch jobs (which cannot be run). */
  public static WalletJobs schedules(WorkerProperties properties) {
    return new WalletJobs(properties, Map.of());
  }

  /**
   * The job types with the batch jobs that run them, by name; they must be exactly {@link #NAMES}.
   */
  static WalletJobs withBatchJobs(WorkerProperties properties, Map<String, Job> batchJobs) {
    if (!batchJobs.keySet().equals(NAMES)) {
      throw new IllegalStateException(
          "the batch jobs "
              + new TreeSet<>(batchJobs.keySet())
              + " are not the job types WalletJobs.NAMES lists "
              + new TreeSet<>(NAMES)
              + ": a job is added to both");
    }
    return new WalletJobs(properties, Map.copyOf(batchJobs));
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

  /** The batch job that runs {@code name}. */
  Job batchJob(String name) {
    Job job = batchJobs.get(get(name).name());
    if (job == null) {
      throw new IllegalStateException("the batch jobs are not loaded in this process");
    }
    return job;
  }
}
