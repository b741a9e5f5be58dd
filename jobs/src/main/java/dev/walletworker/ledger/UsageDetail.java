package dev.walletworker.ledger;

/**
 * What a usage row priced by model keeps of its event.
 *
 * @param priceId the price version it was priced by
 */
public record UsageDetail(
    String model, long inputTokens, long outputTokens, long cachedInputTokens, String priceId) {}
