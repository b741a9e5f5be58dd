package dev.walletworker.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of a wallet's ledger.
 *
 * @param amount signed: negative for usage
 * @param reference the caller's idempotency key, or {@code null}
 * @param relatedId for a bonus, the top-up that earned it; otherwise {@code null}
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
    Instant createdAt) {}
