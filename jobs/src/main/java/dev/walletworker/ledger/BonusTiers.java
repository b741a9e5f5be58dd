package dev.walletworker.ledger;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The top-up bonus tiers: the one function every path that credits a top-up (auto top-up, Checkout,
 * ops) goes through.
 *
 * <pre>
 *   $10.00 ≤ amount &lt;  $50  no bonus
 *   $50    ≤ amount &lt; $100  +5%
 *  $100    ≤ amount &lt; $250  +10%
 *  $250    ≤ amount &lt; $500  +15%
 *  $500    ≤ amount          not self-serve: contact sales
 * </pre>
 *
 * The bonus is rounded half-up to whole cents.
 */
public final class BonusTiers {

  public static final BigDecimal MINIMUM = new BigDecimal("10.00");
  public static final BigDecimal CONTACT_SALES_FROM = new BigDecimal("500.00");

  private static final BigDecimal[] FLOORS = {
    new BigDecimal("250"), new BigDecimal("100"), new BigDecimal("50")
  };
  private static final int[] PERCENTS = {15, 10, 5};

  private BonusTiers() {}

  /**
   * The bonus for a top-up of {@code amount}, or a {@link WalletException} if it is out of range.
   */
  public static TopUpQuote quote(BigDecimal amount) {
    Amounts.requireCents(Amounts.requirePositive(amount, "amount"), "amount");
    if (amount.compareTo(MINIMUM) < 0) {
      throw new WalletException(
          ErrorType.AMOUNT_BELOW_MINIMUM,
          "The minimum top-up is " + Amounts.format(MINIMUM) + ", got " + Amounts.format(amount),
          "amount");
    }
    if (amount.compareTo(CONTACT_SALES_FROM) >= 0) {
      throw new WalletException(
          ErrorType.CONTACT_SALES,
          "Top-ups of "
              + Amounts.format(CONTACT_SALES_FROM)
              + " or more are arranged by our sales team: please contact sales",
          "amount");
    }
    int percent = 0;
    for (int i = 0; i < FLOORS.length; i++) {
      if (amount.compareTo(FLOORS[i]) >= 0) {
        percent = PERCENTS[i];
        break;
      }
    }
    BigDecimal bonus =
        amount
            .multiply(BigDecimal.valueOf(percent))
            .movePointLeft(2)
            .setScale(2, RoundingMode.HALF_UP);
    return new TopUpQuote(amount.setScale(2, RoundingMode.UNNECESSARY), percent, bonus);
  }
}
