package dev.walletworker;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Money rules shared by every entry point. Amounts are {@link BigDecimal} in the wallet's currency
 * with at most {@value #SCALE} decimals (the database column is {@code NUMERIC(20,6)}), which holds
 * sub-cent usage charges such as {@code 0.0004}.
 */
public final class Amounts {

  /** Decimal places the ledger keeps. */
  public static final int SCALE = 6;

  /** The largest amount, threshold or limit any single request may carry. */
  public static final BigDecimal MAX = new BigDecimal("1000000000");

  // Plain decimal notation only: no exponent, no NaN/Infinity, no thousands separators.
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]{1,30}(\\.[0-9]{1,30})?");

  private Amounts() {}

  /** Parses user text ("25.50") into an amount; the caller then applies its range rule. */
  public static BigDecimal parse(String text, String param) {
    if (text == null || !PLAIN_DECIMAL.matcher(text.strip()).matches()) {
      throw new WalletException(
          ErrorType.INVALID_AMOUNT,
          param
              + " must be a plain decimal number such as 25.50, got '"
              + Texts.abbreviate(text)
              + "'",
          param);
    }
    return checkRange(new BigDecimal(text.strip()), param);
  }

  /** An amount that moves money: greater than zero, at most {@link #MAX}, at most 6 decimals. */
  public static BigDecimal requirePositive(BigDecimal amount, String param) {
    require(amount, param);
    if (amount.signum() <= 0) {
      throw new WalletException(
          ErrorType.INVALID_AMOUNT,
          param + " must be greater than zero, got " + format(amount),
          param);
    }
    return normalize(amount);
  }

  /** A threshold or limit: zero or more, at most {@link #MAX}, at most 6 decimals. */
  public static BigDecimal requireNonNegative(BigDecimal amount, String param) {
    require(amount, param);
    if (amount.signum() < 0) {
      throw new WalletException(
          ErrorType.INVALID_AMOUNT, param + " must not be negative, got " + format(amount), param);
    }
    return normalize(amount);
  }

  /** Whole cents, as a card charge requires. */
  public static BigDecimal requireCents(BigDecimal amount, String param) {
    if (decimals(amount) > 2) {
      throw new WalletException(
          ErrorType.INVALID_AMOUNT,
          param + " must be in whole cents (at most 2 decimals), got " + format(amount),
          param);
    }
    return amount;
  }

  /**
   * Formats an amount the way the product documents it: at least two decimals, more only when the
   * value has them ({@code 25.50}, {@code -0.15}, {@code 0.0004}).
   */
  public static String format(BigDecimal amount) {
    return display(amount).toPlainString();
  }

  /** The same value with the scale the product shows (see {@link #format}); for JSON numbers. */
  public static BigDecimal display(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.scale() < 2 ? stripped.setScale(2, RoundingMode.UNNECESSARY) : stripped;
  }

  private static void require(BigDecimal amount, String param) {
    if (amount == null) {
      throw new WalletException(ErrorType.INVALID_AMOUNT, param + " is required", param);
    }
    checkRange(amount, param);
  }

  /** At most {@value #SCALE} decimals and at most {@link #MAX}: every amount's first rule. */
  public static BigDecimal checkRange(BigDecimal amount, String param) {
    if (decimals(amount) > SCALE) {
      throw new WalletException(
          ErrorType.INVALID_AMOUNT,
          param + " has more than " + SCALE + " decimal places: " + format(amount),
          param);
    }
    if (amount.abs().compareTo(MAX) > 0) {
      throw new WalletException(
          ErrorType.INVALID_AMOUNT, param + " must be at most " + format(MAX), param);
    }
    return amount;
  }

  private static int decimals(BigDecimal amount) {
    return Math.max(0, amount.stripTrailingZeros().scale());
  }

  private static BigDecimal normalize(BigDecimal amount) {
    return amount.setScale(SCALE, RoundingMode.UNNECESSARY);
  }
}
