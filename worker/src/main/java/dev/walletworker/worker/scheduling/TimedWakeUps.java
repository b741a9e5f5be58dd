package dev.walletworker.worker.scheduling;

import dev.walletworker.holds.HoldExpiryJobConfiguration;
import dev.walletworker.holds.Holds;
import java.time.Instant;
import java.util.Optional;

/**
 * When a job has work next at a known time, with no database change to NOTIFY it then: the hold
 * that expires next. After each run of such a job the daemon schedules its timed run at that time
 * ({@link JobControl#runAt}). A new hold that expires sooner than every active one NOTIFYs the job
 * (R__holds_watch.sql), whose run then moves the timed run earlier; the cron schedule stays the
 * safety net.
 */
final class TimedWakeUps {

  private final Holds holds;

  TimedWakeUps(Holds holds) {
    this.holds = holds;
  }

  /** When {@code job} should run next for its own work; empty when it has no such time. */
  Optional<Instant> next(String job) {
    if (job.equals(HoldExpiryJobConfiguration.JOB_NAME)) {
      return holds.nextExpiry();
    }
    return Optional.empty();
  }
}
