package dev.walletworker.account;

import java.math.BigDecimal;

/**
 * An account's wallet: its balance and the owner's settings.
 *
 * @param held what active holds reserve of the balance
 */
public record Wallet(
    String accountId,
    String currency,
    BigDecimal balance,
    BigDecimal held,
    AutoTopUpSettings autoTopUp,
    LowBalanceAlertSettings lowBalanceAlert,
    SpendingLimitSettings spendingLimit,
    AutoTopUpState autoTopUpState) {

  /** The balance less active holds: what usage and new holds may spend. */
  public BigDecimal available() {
    return balance.subtract(held);
  }
}
