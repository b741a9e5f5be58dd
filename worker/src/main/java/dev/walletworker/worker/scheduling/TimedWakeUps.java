package dev.walletworker.worker.scheduling;

import dev.walletworker.holds.HoldExpiryJobConfiguration;
import dev.walletworker.holds.Holds;
import java.time.Instant;
import java.util.Optional;

/**
 * When a job has work next at a known time, with no database change to NOTIFY it then: the hold
 * that expires next. After each run of such a job the daemon schedules its timed run at that time
 * ({@link JobControl#runAt}). A new hold that expires sooner than every active one NOTIFYs the job
 * (R__holds_watch.sql), and the daemons' wake-up listeners move the timed run to it; the cron
 * schedule stays the safety net.
 *
 * <p>A new hold's NOTIFY only moves the timed run ({@link WakeUpListener}): running the job then
 * would find nothing due (a hold expires a second or more after it is made), and a gateway that
 * holds first sends one such NOTIFY for nearly every request while few holds are active. Benchmark
 * 10 measured a job run per few requests before this.
 */
final class TimedWakeUps {

  private final Holds holds;

  TimedWakeUps(Holds holds) {
    this.holds = holds;
  }

  /**
   * Whether {@code job}'s work comes due at known times: a NOTIFY for it means "something comes due
   * sooner", answered by scheduling its timed run ({@link #next}), not by running it now.
   */
  boolean timed(String job) {
    return job.equals(HoldExpiryJobConfiguration.JOB_NAME);
  }

  /** When {@code job} should run next for its own work; empty when it has no such time. */
  Optional<Instant> next(String job) {
    if (timed(job)) {
      return holds.nextExpiry();
    }
    return Optional.empty();
  }
}
