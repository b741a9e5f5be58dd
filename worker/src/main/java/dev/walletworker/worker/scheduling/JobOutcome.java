package dev.walletworker.worker.scheduling;

import java.time.LocalDateTime;

/**
 * What one run of a job did, read from Spring Batch's history. {@code status} is Batch's status
 * ({@code COMPLETED}, {@code FAILED}, {@code STOPPED}, {@code STARTED} while running), or {@code
 * SKIPPED} when the job was already running elsewhere in the cluster.
 */
public record JobOutcome(
    String job,
    Long executionId,
    String status,
    String trigger,
    LocalDateTime start,
    LocalDateTime end,
    long read,
    long written,
    long filtered,
    long skipped,
    String exitMessage) {

  public boolean succeeded() {
    return "COMPLETED".equals(status) || "SKIPPED".equals(status);
  }
}
