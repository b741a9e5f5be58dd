package dev.walletworker.account;

import java.math.BigDecimal;

/**
 * Charge the saved card for {@code amount} when the balance falls below {@code threshold}.
 *
 * @param stripeCustomerId {@code cus_…}, or {@code null}
 * @param paymentMethodId {@code pm_…}, or {@code null}: without one nothing is charged
 */
public record AutoTopUpSettings(
    boolean enabled,
    BigDecimal threshold,
    BigDecimal amount,
    String stripeCustomerId,
    String paymentMethodId) {}
