package dev.walletworker.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of a wallet's ledger.
 *
 * @param amount signed: negative for usage
 * @param reference the caller's idempotency key, or {@code null}
 * @param relatedId for a bonus, the top-up that earned it; otherwise {@code null}
 * @param usage for usage priced by model: the model, tokens and price version; else {@code null}
 * @param eventAt for usage posted through the metering API: when it happened; else {@code null}
 */
public record WalletTransaction(
    String id,
    String accountId,
    TransactionType type,
    BigDecimal amount,
    BigDecimal balanceAfter,
    String description,
    String reference,
    String relatedId,
    Instant createdAt,
    UsageDetail usage,
    Instant eventAt) {}
