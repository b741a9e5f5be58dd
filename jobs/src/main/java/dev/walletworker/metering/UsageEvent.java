package dev.walletworker.metering;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage event as the metered service sent it, already checked field by field: either a {@code
 * model} with token counts, priced by the version in force at {@code timestamp}, or a plain {@code
 * amount}.
 *
 * @param id the caller's request id: the account's idempotency key for this event, forever
 * @param amount the cost, when the caller priced it; null for a priced event
 * @param model the model, for an event priced here; null with an amount
 * @param description with an amount, the ledger row's description (null: "API usage")
 * @param timestamp when the usage happened (the caller's, or when it was received)
 */
public record UsageEvent(
    String id,
    String accountId,
    BigDecimal amount,
    String model,
    long inputTokens,
    long outputTokens,
    long cachedInputTokens,
    String description,
    Instant timestamp) {

  public boolean priced() {
    return model != null;
  }
}
