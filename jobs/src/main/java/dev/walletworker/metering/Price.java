package dev.walletworker.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * One version of a model's price, in the wallet's currency per 1,000,000 tokens.
 *
 * @param cachedInputPerMtok null: cached input tokens cost the input price
 */
public record Price(
    String id,
    String model,
    BigDecimal inputPerMtok,
    BigDecimal outputPerMtok,
    BigDecimal cachedInputPerMtok,
    Instant effectiveFrom,
    Instant createdAt) {

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  /** The decimal places the ledger keeps: a cost is rounded once, to these. */
  static final int SCALE = 6;

  /**
   * What these tokens cost: the exact sum of tokens × price per million, divided by a million, and
   * rounded half-up once, to the ledger's 6 decimals. (1,200 in at 0.50 + 350 out at 1.50 is
   * 0.001125.)
   */
  public BigDecimal cost(long inputTokens, long outputTokens, long cachedInputTokens) {
    BigDecimal cached = cachedInputPerMtok == null ? inputPerMtok : cachedInputPerMtok;
    BigDecimal exact =
        inputPerMtok
            .multiply(BigDecimal.valueOf(inputTokens))
            .add(outputPerMtok.multiply(BigDecimal.valueOf(outputTokens)))
            .add(cached.multiply(BigDecimal.valueOf(cachedInputTokens)))
            .divide(MILLION);
    return exact.setScale(SCALE, RoundingMode.HALF_UP);
  }
}
