package dev.walletworker.stripe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this process under Stripe's request rate limit: every request takes the next free slot of a
 * schedule spaced {@code 1/perSecond} apart (a token bucket holding a single token, so there are no
 * bursts for a one-second window to catch), shared by every thread; and after a 429 the whole
 * schedule is held back for a moment, since the others' next requests would be refused too.
 */
final class StripeRateLimiter {

  private final long intervalNanos;
  private long next = System.nanoTime();

  /**
   * @param perSecond the most requests a second this process starts; 0 for no limit (429s still
   *     hold requests back)
   */
  StripeRateLimiter(int perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException(
          "the Stripe request rate must be 0 (no limit) or more, got " + perSecond);
    }
    this.intervalNanos = perSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / perSecond;
  }

  /** Waits for this request's slot. */
  void acquire() throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long start = next - now > 0 ? next : now;
      next = start + intervalNanos;
      wait = start - now;
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  /** No request starts for {@code pause} from now (slots already handed out keep their time). */
  synchronized void holdBack(Duration pause) {
    long until = System.nanoTime() + pause.toNanos();
    if (until - next > 0) {
      next = until;
    }
  }
}
