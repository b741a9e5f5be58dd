package dev.walletworker.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage debit of a group posted together ({@link Ledger#postUsage}).
 *
 * @param reference the caller's idempotency key (a request or event id), or null
 * @param amount what to debit: greater than zero, at most 6 decimals
 * @param detail for an event priced by model, its model, tokens and price version; else null
 * @param eventAt when the usage happened, as its sender says; null when not given
 */
public record UsageDebit(
    String accountId,
    String reference,
    BigDecimal amount,
    String description,
    UsageDetail detail,
    Instant eventAt) {}
