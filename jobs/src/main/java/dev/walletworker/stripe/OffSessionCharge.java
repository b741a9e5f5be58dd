package dev.walletworker.stripe;

import java.util.Map;

/**
 * A charge of a saved card without the customer present.
 *
 * @param amount what to charge, in the wallet's currency
 * @param idempotencyKey the same for every request of one attempt
 * @param metadata stored on the PaymentIntent; lets a lost charge be found again
 */
public record OffSessionCharge(
    String customerId,
    String paymentMethodId,
    StripeAmount amount,
    String idempotencyKey,
    String description,
    Map<String, String> metadata) {}
