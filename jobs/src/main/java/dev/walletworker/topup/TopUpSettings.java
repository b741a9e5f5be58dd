package dev.walletworker.topup;

import java.time.Duration;

/**
 * How auto top-up behaves. The worker's configuration record ({@code WorkerProperties.TopUp}, bound
 * from {@code wallet.topup.*}) implements it, so each setting and its default are declared once,
 * there. (The dashboard link of its emails is the mail settings'; the Stripe request timeout is the
 * Stripe client's.)
 */
public interface TopUpSettings {

  /** No new attempt this long after a decline. */
  Duration cooldown();

  /** Declines in a row before auto top-up is switched off. */
  int maxFailures();

  /** Most automatic top-ups per account in 24 hours. */
  int dailyCap();

  /** First wait before asking Stripe again about an unanswered charge. */
  Duration retryInitial();

  /** Longest wait between such questions. */
  Duration retryMax();

  /** An unanswered attempt this old is also looked up by its metadata. */
  Duration searchAfter();

  /**
   * An attempt unanswered this long, and unknown to Stripe, is failed (Stripe keeps idempotency
   * keys for 24 h).
   */
  Duration giveUpAfter();

  /** An attempt waiting for the owner's authentication this long is failed. */
  Duration actionTimeout();

  /** Attempts charged per step of the job. */
  int batchSize();

  /** Attempts taken to Stripe at the same time. */
  int concurrency();

  /** The wait before asking Stripe again after {@code requests} unanswered requests. */
  default Duration retryDelay(int requests) {
    Duration wait = retryInitial().multipliedBy(1L << Math.min(20, Math.max(0, requests - 1)));
    return wait.compareTo(retryMax()) > 0 ? retryMax() : wait;
  }
}
