package dev.walletworker.ledger;

import java.math.BigDecimal;

/**
 * What a top-up of {@code amount} earns.
 *
 * @param bonusPercent 0, 5, 10 or 15
 */
public record TopUpQuote(BigDecimal amount, int bonusPercent, BigDecimal bonus) {

  public BigDecimal total() {
    return amount.add(bonus);
  }
}
