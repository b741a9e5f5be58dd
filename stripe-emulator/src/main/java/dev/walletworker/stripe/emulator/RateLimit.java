package dev.walletworker.stripe.emulator;

/** Stripe's rate limit, as {@link Faults#rateLimit} sets it: requests per wall-clock second. */
final class RateLimit {

  private long window;
  private int count;
  private int refused;

  /** Counts a request; whether it is over {@code perSecond} (0: no limit) and is to be refused. */
  synchronized boolean refuse(int perSecond) {
    if (perSecond <= 0) {
      return false;
    }
    long second = System.currentTimeMillis() / 1000;
    if (second != window) {
      window = second;
      count = 0;
    }
    if (++count > perSecond) {
      refused++;
      return true;
    }
    return false;
  }

  synchronized int refused() {
    return refused;
  }

  synchronized void clear() {
    refused = 0;
  }
}
