package dev.walletworker.stripe.emulator;

import java.util.Map;

/**
 * A successful charge, as the emulator's ledger records it: what a test reconciles against the
 * wallet credits.
 *
 * @param amount in minor units (cents)
 */
public record Charge(
    String id,
    String paymentIntent,
    String customer,
    long amount,
    String currency,
    Map<String, String> metadata,
    long created) {}
