package dev.walletworker.alerts;

/**
 * A wallet whose balance fell below its owner's alert threshold, claimed for one alert.
 *
 * @param claimedAtMicros when the crossing was recorded; names the occurrence in the dedupe key
 */
public record LowBalanceAlert(String accountId, long claimedAtMicros) {}
