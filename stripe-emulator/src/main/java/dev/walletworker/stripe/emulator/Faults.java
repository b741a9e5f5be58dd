package dev.walletworker.stripe.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Trouble the emulator can cause, for tests of what happens when Stripe is slow or failing. All
 * settings apply to the {@code /v1} API (not to the emulator's own controls) and can change while
 * it runs.
 */
public final class Faults {

  volatile Duration latency = Duration.ZERO;
  final AtomicInteger failNext = new AtomicInteger();
  volatile int failStatus = 500;
  volatile int rateLimitPerSecond;
  final AtomicInteger dropAfterChargeNext = new AtomicInteger();

  /** Every API request waits this long before it is handled. */
  public Faults latency(Duration value) {
    latency = value;
    return this;
  }

  /**
   * The next {@code count} API requests fail with {@code status} (500, 502, 503 or 429) before they
   * are executed: nothing happens and nothing is saved for their idempotency keys.
   */
  public Faults failNext(int count, int status) {
    failStatus = status;
    failNext.set(count);
    return this;
  }

  /** At most {@code perSecond} API requests a second; the rest get 429 (0: no limit). */
  public Faults rateLimit(int perSecond) {
    rateLimitPerSecond = perSecond;
    return this;
  }

  /**
   * The next {@code count} successful charges are recorded (and their responses saved for their
   * idempotency keys), then the connection is dropped before the response is sent.
   */
  public Faults dropAfterChargeNext(int count) {
    dropAfterChargeNext.set(count);
    return this;
  }

  public Faults reset() {
    latency = Duration.ZERO;
    failNext.set(0);
    rateLimitPerSecond = 0;
    dropAfterChargeNext.set(0);
    return this;
  }
}
