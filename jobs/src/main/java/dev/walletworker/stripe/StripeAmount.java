package dev.walletworker.stripe;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * An amount as Stripe states it: an integer in the currency's minor unit. The size of that unit is
 * Stripe's, not always ISO 4217's: JPY and the other zero-decimal currencies count whole units
 * (2500 is ¥2,500), the three-decimal ones thousandths, and ISK, though effectively zero-decimal,
 * still hundredths. Every Stripe amount the wallet reads or sends goes through here, so that no
 * path assumes cents.
 *
 * @param minor the integer Stripe sends, in the currency's minor unit
 * @param currency the ISO code, upper case
 */
public record StripeAmount(long minor, String currency) {

  // https://docs.stripe.com/currencies#zero-decimal and #three-decimal
  private static final Set<String> ZERO_DECIMAL =
      Set.of(
          "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
          "XAF", "XOF", "XPF");
  private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

  public StripeAmount {
    currency = code(currency);
  }

  /** The amount Stripe reports, in {@code currency} as Stripe spells it (any case). */
  public static StripeAmount of(long minor, String currency) {
    return new StripeAmount(minor, currency);
  }

  /** {@code amount} of {@code currency} in Stripe's minor unit; it must fit that unit exactly. */
  public static StripeAmount from(BigDecimal amount, String currency) {
    long minor = amount.movePointRight(exponent(currency)).longValueExact();
    return new StripeAmount(minor, currency);
  }

  /** Decimal places of Stripe's minor unit for {@code currency}. */
  public static int exponent(String currency) {
    String code = code(currency);
    if (ZERO_DECIMAL.contains(code)) {
      return 0;
    }
    return THREE_DECIMAL.contains(code) ? 3 : 2;
  }

  /** The amount in the currency's major unit: 2500 JPY is 2500, 2500 USD is 25.00. */
  public BigDecimal decimal() {
    return BigDecimal.valueOf(minor).movePointLeft(exponent(currency));
  }

  /** The currency in the lower case Stripe's API takes. */
  public String stripeCurrency() {
    return currency.toLowerCase(Locale.ROOT);
  }

  /** Whether this is exactly {@code amount} of {@code currency}. */
  public boolean isExactly(BigDecimal amount, String currency) {
    return this.currency.equals(code(currency)) && decimal().compareTo(amount) == 0;
  }

  @Override
  public String toString() {
    return decimal().toPlainString() + " " + currency;
  }

  private static String code(String currency) {
    if (currency == null || !currency.strip().matches("[A-Za-z]{3}")) {
      throw new IllegalArgumentException("not a currency code: " + currency);
    }
    return currency.strip().toUpperCase(Locale.ROOT);
  }
}
