package dev.walletworker.stripe;

import java.util.Map;

/**
 * A charge of a saved card without the customer present.
 *
 * @param amountMinor in the currency's minor unit (cents)
 * @param currency ISO code, any case
 * @param idempotencyKey the same for every request of one attempt
 * @param metadata stored on the PaymentIntent; lets a lost charge be found again
 */
public record OffSessionCharge(
    String customerId,
    String paymentMethodId,
    long amountMinor,
    String currency,
    String idempotencyKey,
    String description,
    Map<String, String> metadata) {}
