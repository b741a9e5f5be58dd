package dev.walletworker.worker.scheduling;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Runs one batch job, at most once at a time across the whole cluster, whoever asks (a Quartz
 * trigger in a daemon, or {@code jobs trigger --wait} with no daemon up).
 *
 * <p>Exclusivity is a PostgreSQL advisory lock held for the run on its own connection: PostgreSQL
 * releases it the moment its holder dies, so a killed daemon never blocks the job. Holding the lock
 * also proves that any execution of the job still marked running was interrupted (its owner is
 * gone): such executions are recovered and restarted before the new run, so an interrupted run is
 * finished and not left half done.
 */
public final class JobRunner {

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final WalletJobs jobs;
  private final JobOperator jobOperator;
  private final JobRepository jobRepository;
  private final DataSource dataSource;
  private final MeterRegistry metrics;
  private final String runnerId;

  JobRunner(
      WalletJobs jobs,
      JobOperator jobOperator,
      JobRepository jobRepository,
      DataSource dataSource,
      MeterRegistry metrics,
      String runnerId) {
    this.jobs = jobs;
    this.jobOperator = jobOperator;
    this.jobRepository = jobRepository;
    this.dataSource = dataSource;
    this.metrics = metrics;
    this.runnerId = runnerId;
  }

  /**
   * Runs {@code jobName} now in this thread.
   *
   * @param why why it runs
   * @param requestId lets {@code jobs trigger --wait} find this run; may be null
   */
  public JobOutcome run(String jobName, RunTrigger why, String requestId) {
    String trigger = why.code();
    WalletJobs.WalletJob job = jobs.get(jobName);
    try (Connection lock = dataSource.getConnection()) {
      lock.setAutoCommit(true);
      if (!advisoryLock(lock, "pg_try_advisory_lock", jobName)) {
        log.info(
            "job skipped job={} trigger={} reason=running elsewhere in the cluster",
            jobName,
            trigger);
        metrics
            .counter("wallet.job.runs", "job", jobName, "status", "SKIPPED", "trigger", trigger)
            .increment();
        return new JobOutcome(jobName, null, "SKIPPED", trigger, null, null, 0, 0, 0, 0, null);
      }
      try {
        finishInterruptedRuns(job);
        JobParameters parameters =
            new JobParametersBuilder()
                .addString("run.id", UUID.randomUUID().toString(), true)
                .addString("trigger", trigger, false)
                .addString("request.id", requestId == null ? "" : requestId, false)
                .addString("runner", runnerId, false)
                .toJobParameters();
        return record(jobOperator.start(jobs.batchJob(job.name()), parameters), trigger);
      } finally {
        advisoryLock(lock, "pg_advisory_unlock", jobName);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "job " + jobName + ": database unavailable: " + e.getMessage(), e);
    } catch (org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException
        | org.springframework.batch.core.launch.JobExecutionAlreadyRunningException
        | org.springframework.batch.core.job.parameters.InvalidJobParametersException
        | org.springframework.batch.core.launch.JobRestartException e) {
      throw new IllegalStateException("job " + jobName + " could not start: " + e.getMessage(), e);
    }
  }

  private void finishInterruptedRuns(WalletJobs.WalletJob job)
      throws org.springframework.batch.core.launch.JobRestartException {
    for (JobExecution stale : jobRepository.findRunningJobExecutions(job.name())) {
      log.warn(
          "job run interrupted earlier job={} execution={} status={}; recovering and finishing it",
          job.name(),
          stale.getId(),
          stale.getStatus());
      JobExecution recovered = jobOperator.recover(stale);
      record(jobOperator.restart(recovered), RunTrigger.RECOVERY.code());
    }
    JobInstance last = jobRepository.getLastJobInstance(job.name());
    if (last != null) {
      JobExecution lastRun = jobRepository.getLastJobExecution(last);
      if (lastRun != null && lastRun.getStatus() == BatchStatus.STOPPED) {
        log.info(
            "job run stopped at shutdown job={} execution={}; finishing it",
            job.name(),
            lastRun.getId());
        record(jobOperator.restart(lastRun), RunTrigger.RECOVERY.code());
      }
    }
  }

  private JobOutcome record(JobExecution execution, String trigger) {
    JobOutcome outcome = outcome(execution, trigger);
    String name = outcome.job();
    metrics
        .counter("wallet.job.runs", "job", name, "status", outcome.status(), "trigger", trigger)
        .increment();
    metrics.counter("wallet.job.items", "job", name, "kind", "read").increment(outcome.read());
    metrics
        .counter("wallet.job.items", "job", name, "kind", "written")
        .increment(outcome.written());
    metrics
        .counter("wallet.job.items", "job", name, "kind", "filtered")
        .increment(outcome.filtered());
    metrics
        .counter("wallet.job.items", "job", name, "kind", "skipped")
        .increment(outcome.skipped());
    Duration took =
        outcome.start() == null || outcome.end() == null
            ? Duration.ZERO
            : Duration.between(outcome.start(), outcome.end());
    Timer.builder("wallet.job.duration").tag("job", name).register(metrics).record(took);
    String line =
        "job finished job={} execution={} trigger={} status={} read={} written={} filtered={} skipped={} took={}ms{}";
    Object[] args = {
      name,
      outcome.executionId(),
      trigger,
      outcome.status(),
      outcome.read(),
      outcome.written(),
      outcome.filtered(),
      outcome.skipped(),
      took.toMillis(),
      outcome.exitMessage() == null || outcome.exitMessage().isBlank()
          ? ""
          : " error=" + firstLine(outcome.exitMessage())
    };
    if (outcome.succeeded()) {
      log.info(line, args);
    } else {
      log.warn(line, args);
    }
    return outcome;
  }

  static JobOutcome outcome(JobExecution execution, String trigger) {
    long read = 0;
    long written = 0;
    long filtered = 0;
    long skipped = 0;
    for (StepExecution step : execution.getStepExecutions()) {
      read += step.getReadCount();
      written += step.getWriteCount();
      filtered += step.getFilterCount();
      skipped += step.getSkipCount();
    }
    String exit = execution.getExitStatus().getExitDescription();
    return new JobOutcome(
        execution.getJobInstance().getJobName(),
        execution.getId(),
        execution.getStatus().name(),
        trigger,
        execution.getStartTime(),
        execution.getEndTime(),
        read,
        written,
        filtered,
        skipped,
        exit == null || exit.isBlank() ? null : exit);
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static boolean advisoryLock(Connection connection, String function, String jobName)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT " + function + "(hashtext('wallet-job:' || ?))")) {
      statement.setString(1, jobName);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
