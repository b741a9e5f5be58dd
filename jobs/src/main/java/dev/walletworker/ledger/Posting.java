package dev.walletworker.ledger;

import java.math.BigDecimal;

/**
 * What one ledger call recorded.
 *
 * @param transaction the row asked for
 * @param bonus the bonus row a top-up earned, or {@code null}
 * @param replayed true when the reference had been applied before and this is that first result
 */
public record Posting(WalletTransaction transaction, WalletTransaction bonus, boolean replayed) {

  /** The balance right after this posting (including its bonus). */
  public BigDecimal balanceAfter() {
    return (bonus != null ? bonus : transaction).balanceAfter();
  }
}
