package dev.walletworker.worker.scheduling;

import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.db.Database;
import java.util.Map;
import org.quartz.SchedulerException;

/**
 * The ops actions on jobs — trigger, pause, resume — for the whole cluster through the scheduler's
 * store, each followed by its audit row: the one implementation behind {@code bin/worker jobs} and
 * the ops console's buttons.
 *
 * <p>The action and its row commit in one transaction: the scheduler's store works on the same
 * DataSource with the same transaction manager ({@code SchedulerConfiguration}), and {@link
 * JobControl} joins the caller's transaction. So a row that cannot be written (a bad operator)
 * undoes the action, and a crash loses both or neither; a trigger's NOTIFY goes out at the commit.
 */
public final class JobActions {

  private final JobControl control;
  private final StoredSchedules stored;
  private final AuditLog audit;
  private final Database db;

  public JobActions(JobControl control, StoredSchedules stored, AuditLog audit, Database db) {
    this.control = control;
    this.stored = stored;
    this.audit = audit;
    this.db = db;
  }

  /**
   * Queues a run of {@code job}; whichever daemon is up runs it.
   *
   * @return the request id the run's history will carry
   */
  public String trigger(String operator, String job) {
    prepare(job);
    return db.inTransaction(
        () -> {
          String requestId = unchecked(() -> control.queue(job, RunTrigger.MANUAL));
          record(operator, AuditAction.JOB_TRIGGER, job, null, null, requestId);
          return requestId;
        });
  }

  /**
   * Records a trigger whose run happens in the caller's process (the CLI's {@code --wait} with no
   * daemon up): recorded before the run, since the trigger is the action and the run's outcome is
   * its history.
   */
  public void triggerHere(String operator, String job) {
    prepare(job);
    record(operator, AuditAction.JOB_TRIGGER, job, null, null, null);
  }

  public void pause(String operator, String job) {
    scheduleSwitch(operator, job, true);
  }

  public void resume(String operator, String job) {
    scheduleSwitch(operator, job, false);
  }

  private void scheduleSwitch(String operator, String job, boolean pause) {
    prepare(job);
    StoredSchedules.StoredSchedule schedule = stored.byJob().get(job);
    boolean wasPaused = schedule != null && schedule.paused();
    db.inTransaction(
        () -> {
          if (pause) {
            unchecked(() -> control.pause(job));
          } else {
            unchecked(() -> control.resume(job));
          }
          record(
              operator,
              pause ? AuditAction.JOB_PAUSE : AuditAction.JOB_RESUME,
              job,
              Map.of("paused", wasPaused),
              Map.of("paused", pause),
              null);
          return null;
        });
  }

  /**
   * Refuses an unknown job; registers the schedules no daemon registered yet (the store needs
   * them).
   */
  private void prepare(String job) {
    control.jobs().get(job);
    unchecked(
        () -> {
          control.registerSchedulesIfMissing();
          return null;
        });
  }

  /** Joins the caller's transaction (the action's), or runs in one of its own (triggerHere). */
  private void record(
      String operator,
      AuditAction action,
      String job,
      Map<String, ?> before,
      Map<String, ?> after,
      String refersTo) {
    db.inTransaction(
        () ->
            audit.record(
                new AuditLog.Change(
                    operator, action, "job", job, null, null, before, after, refersTo)));
  }

  private interface SchedulerCall<T> {
    T call() throws SchedulerException;
  }

  private static <T> T unchecked(SchedulerCall<T> call) {
    try {
      return call.call();
    } catch (SchedulerException e) {
      throw new IllegalStateException("scheduler: " + e.getMessage(), e);
    }
  }

  private static void unchecked(SchedulerAction action) {
    unchecked(
        () -> {
          action.call();
          return null;
        });
  }

  private interface SchedulerAction {
    void call() throws SchedulerException;
  }
}
