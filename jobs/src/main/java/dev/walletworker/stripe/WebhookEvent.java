package dev.walletworker.stripe;

import java.util.Map;

/**
 * A verified Stripe event, in the terms the wallet acts on.
 *
 * @param objectId the PaymentIntent or Checkout Session id
 * @param payment for {@code payment_intent.*} events: what the PaymentIntent now says
 * @param checkout for {@code checkout.session.*} events: what the session says was paid
 */
public record WebhookEvent(
    String id,
    String type,
    String objectId,
    Map<String, String> metadata,
    ChargeOutcome payment,
    CheckoutPayment checkout) {

  /**
   * What a Checkout Session says about its payment.
   *
   * @param paymentStatus {@code paid}, {@code unpaid}, {@code no_payment_required}
   * @param paid the total in the currency the session was created in: when Stripe's Adaptive
   *     Pricing presented it in the buyer's currency, the amount before that conversion
   * @param presented what the buyer was shown and charged, when that was another currency
   */
  public record CheckoutPayment(String paymentStatus, StripeAmount paid, StripeAmount presented) {}
}
