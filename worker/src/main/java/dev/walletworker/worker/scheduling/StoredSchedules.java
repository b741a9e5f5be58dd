package dev.walletworker.worker.scheduling;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The job schedules as the cluster's Quartz store holds them, and the daemons checked in with it:
 * read with two queries, without creating a scheduler, for {@code jobs list}. Changes to the store
 * go through {@link JobControl} and Quartz.
 */
public final class StoredSchedules {

  /**
   * One job's cron trigger.
   *
   * @param cron the cron the store holds, which is the one the daemons run
   * @param paused paused for the whole cluster
   * @param nextRun when the schedule fires next; null when it will not
   */
  public record StoredSchedule(String cron, boolean paused, Instant nextRun) {}

  private final JdbcClient jdbc;

  public StoredSchedules(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  /** Each registered job's schedule by job name; a job no daemon has registered yet is absent. */
  public Map<String, StoredSchedule> byJob() {
    Map<String, StoredSchedule> schedules = new HashMap<>();
    jdbc.sql(
            "SELECT t.trigger_name, t.trigger_state, t.next_fire_time, c.cron_expression"
                + " FROM qrtz_triggers t JOIN qrtz_cron_triggers c ON c.sched_name = t.sched_name"
                + " AND c.trigger_name = t.trigger_name AND c.trigger_group = t.trigger_group"
                + " WHERE t.sched_name = ? AND t.trigger_group = ?")
        .params(SchedulerConfiguration.SCHEDULER_NAME, JobControl.GROUP)
        .query(
            rs -> {
              String trigger = rs.getString("trigger_name");
              if (!trigger.startsWith(JobControl.CRON_PREFIX)) {
                return;
              }
              String state = rs.getString("trigger_state");
              long next = rs.getLong("next_fire_time");
              schedules.put(
                  trigger.substring(JobControl.CRON_PREFIX.length()),
                  new StoredSchedule(
                      rs.getString("cron_expression"),
                      // Quartz's own reading of the state column (JobStoreSupport.getTriggerState).
                      state.equals("PAUSED") || state.equals("PAUSED_BLOCKED"),
                      // Quartz stores "no next fire time" as 0 or less.
                      next > 0 ? Instant.ofEpochMilli(next) : null));
            });
    return schedules;
  }

  /** Daemons that checked in with the cluster recently. */
  public List<String> liveDaemons() {
    long now = System.currentTimeMillis();
    return jdbc.sql(
            "SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = ?"
                + " AND last_checkin_time + 2 * checkin_interval + 7500 > ? ORDER BY instance_name")
        .params(SchedulerConfiguration.SCHEDULER_NAME, now)
        .query(String.class)
        .list();
  }
}
