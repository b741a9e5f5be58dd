package dev.walletworker.topup;

import java.math.BigDecimal;
import java.time.Instant;

/** One try at charging the saved card for one crossing. */
public record TopUpAttempt(
    String id,
    String accountId,
    AttemptStatus status,
    BigDecimal amount,
    String currency,
    String customerId,
    String paymentMethodId,
    String idempotencyKey,
    String paymentIntentId,
    Instant chargeRequestedAt,
    int requests,
    Instant nextTryAt,
    String failureCode,
    String failureMessage,
    Instant createdAt,
    Instant resolvedAt) {}
