package dev.walletworker.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for something another thread or process does (never for time to pass: tests move their
 * clock instead). Polls every 20 ms; fails with {@code what} when the timeout passes first.
 */
public final class Await {

  private Await() {}

  public static void until(BooleanSupplier condition, Duration timeout, String what) {
    until(condition, timeout, () -> what);
  }

  /** As above, with a description computed when it fails (for example a process's log). */
  public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what.get(), e);
      }
    }
  }
}
