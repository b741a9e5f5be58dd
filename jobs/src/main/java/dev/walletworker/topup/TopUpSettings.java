package dev.walletworker.topup;

import java.time.Duration;

/**
 * How auto top-up behaves.
 *
 * @param cooldown no new attempt this long after a decline
 * @param maxFailures declines in a row before auto top-up is switched off
 * @param dailyCap most automatic top-ups per account in 24 hours
 * @param retryInitial first wait before asking Stripe again about an unanswered charge
 * @param retryMax longest wait between such questions
 * @param searchAfter an unanswered attempt this old is also looked up by its metadata
 * @param giveUpAfter an attempt unanswered this long, and unknown to Stripe, is failed (Stripe
 *     keeps idempotency keys for 24 h)
 * @param actionTimeout an attempt waiting for the owner's authentication this long is failed
 * @param dashboardUrl where the owner confirms a payment that needs authentication
 * @param batchSize attempts charged per step of the job
 * @param requestTimeout the Stripe client's read timeout: a leased attempt outlives a request
 * @param concurrency attempts taken to Stripe at the same time
 */
public record TopUpSettings(
    Duration cooldown,
    int maxFailures,
    int dailyCap,
    Duration retryInitial,
    Duration retryMax,
    Duration searchAfter,
    Duration giveUpAfter,
    Duration actionTimeout,
    String dashboardUrl,
    int batchSize,
    Duration requestTimeout,
    int concurrency) {

  Duration retryDelay(int requests) {
    Duration wait = retryInitial.multipliedBy(1L << Math.min(20, Math.max(0, requests - 1)));
    return wait.compareTo(retryMax) > 0 ? retryMax : wait;
  }

  String actionUrl(String paymentIntentId) {
    String base =
        dashboardUrl.endsWith("/")
            ? dashboardUrl.substring(0, dashboardUrl.length() - 1)
            : dashboardUrl;
    return base + "/billing/confirm-payment?payment_intent=" + paymentIntentId;
  }
}
