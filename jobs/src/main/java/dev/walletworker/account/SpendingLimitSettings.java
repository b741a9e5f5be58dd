package dev.walletworker.account;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.math.BigDecimal;

/** A monthly cap on usage, and what happens when it is reached. */
public record SpendingLimitSettings(
    boolean enabled, BigDecimal monthlyLimit, SpendingLimitAction action) {

  /**
   * The smallest monthly limit: one unit of the wallet's currency (every wallet's currency has
   * cents). A limit caps a month's usage; it is not a switch. Below one unit an account is blocked
   * by its first few calls every month (a limit of 0 blocks it at 0 spend, and tells the owner "a
   * $0.00 limit reached"), and its 80% heads-up would come a fraction of a cent before the limit.
   * Stopping usage altogether is what an ops block is for; allowing any amount, what disabling the
   * limit is for.
   */
  public static final BigDecimal MIN_MONTHLY_LIMIT = new BigDecimal("1.00");

  /** The one rule for a monthly limit, whichever way it comes in (API, CLI). */
  static BigDecimal requireMonthlyLimit(BigDecimal amount, String currency, String param) {
    BigDecimal limit = Amounts.requireNonNegative(amount, param);
    if (limit.compareTo(MIN_MONTHLY_LIMIT) < 0) {
      throw new WalletException(
          ErrorType.INVALID_AMOUNT,
          param
              + " must be at least "
              + Amounts.format(MIN_MONTHLY_LIMIT)
              + " "
              + currency
              + ", got "
              + Amounts.format(limit)
              + " (to allow any amount, disable the limit)",
          param);
    }
    return limit;
  }
}
