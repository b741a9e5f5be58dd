package dev.walletworker.stripe;

import java.util.Map;

/**
 * A verified Stripe event, in the terms the wallet acts on.
 *
 * @param objectId the PaymentIntent or Checkout Session id
 * @param payment for {@code payment_intent.*} events: what the PaymentIntent now says
 * @param amountTotal for {@code checkout.session.*} events: the amount paid, in minor units
 * @param paymentStatus for {@code checkout.session.*} events: {@code paid}, {@code unpaid}, …
 */
public record WebhookEvent(
    String id,
    String type,
    String objectId,
    Map<String, String> metadata,
    ChargeOutcome payment,
    Long amountTotal,
    String currency,
    String paymentStatus) {}
