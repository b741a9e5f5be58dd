package dev.walletworker.worker.scheduling;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Runs of the jobs, read from Spring Batch's tables: status, times and item counts. */
public final class JobHistory {

  private static final String RUNS =
      "SELECT e.job_execution_id, i.job_name, e.status, e.start_time, e.end_time, e.exit_message,"
          + " (SELECT p.parameter_value FROM batch_job_execution_params p"
          + "   WHERE p.job_execution_id = e.job_execution_id AND p.parameter_name = 'trigger') AS trigger,"
          + " coalesce(sum(s.read_count), 0) AS read, coalesce(sum(s.write_count), 0) AS written,"
          + " coalesce(sum(s.filter_count), 0) AS filtered,"
          + " coalesce(sum(s.read_skip_count + s.process_skip_count + s.write_skip_count), 0) AS skipped"
          + " FROM batch_job_execution e JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id"
          + " LEFT JOIN batch_step_execution s ON s.job_execution_id = e.job_execution_id";

  private final JdbcClient jdbc;

  public JobHistory(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  /** The newest runs of {@code job}, newest first. */
  public List<JobOutcome> recent(String job, int limit) {
    return jdbc.sql(
            RUNS
                + " WHERE i.job_name = ? GROUP BY e.job_execution_id, i.job_name"
                + " ORDER BY e.job_execution_id DESC LIMIT ?")
        .params(job, limit)
        .query(JobHistory::map)
        .list();
  }

  /**
   * Each job's newest run, if it failed: a failure that a later success has not followed yet is
   * what the ops overview asks a person to look at.
   */
  public List<JobOutcome> latestFailures() {
    return jdbc.sql(
            RUNS
                + " WHERE e.job_execution_id IN (SELECT max(e2.job_execution_id)"
                + "   FROM batch_job_execution e2 JOIN batch_job_instance i2"
                + "   ON i2.job_instance_id = e2.job_instance_id GROUP BY i2.job_name)"
                + " AND e.status = 'FAILED'"
                + " GROUP BY e.job_execution_id, i.job_name ORDER BY e.job_execution_id DESC")
        .query(JobHistory::map)
        .list();
  }

  /** The run queued with {@code requestId}, once it has started. */
  public Optional<JobOutcome> byRequest(String requestId) {
    return jdbc.sql(
            RUNS
                + " WHERE e.job_execution_id IN (SELECT job_execution_id FROM batch_job_execution_params"
                + "   WHERE parameter_name = 'request.id' AND parameter_value = ?)"
                + " GROUP BY e.job_execution_id, i.job_name ORDER BY e.job_execution_id DESC LIMIT 1")
        .param(requestId)
        .query(JobHistory::map)
        .optional();
  }

  private static JobOutcome map(ResultSet rs, int row) throws SQLException {
    return new JobOutcome(
        rs.getString("job_name"),
        rs.getLong("job_execution_id"),
        rs.getString("status"),
        rs.getString("trigger"),
        time(rs.getTimestamp("start_time")),
        time(rs.getTimestamp("end_time")),
        rs.getLong("read"),
        rs.getLong("written"),
        rs.getLong("filtered"),
        rs.getLong("skipped"),
        blankToNull(rs.getString("exit_message")));
  }

  private static LocalDateTime time(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toLocalDateTime();
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
