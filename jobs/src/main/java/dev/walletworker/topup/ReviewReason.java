package dev.walletworker.topup;

import dev.walletworker.stripe.StripeAmount;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/** Why money Stripe took was not credited automatically, and a person must look at it. */
public enum ReviewReason {
  /** Paid in another currency than the wallet's (after Stripe's own conversion, if any). */
  CURRENCY_MISMATCH,
  /** Paid another amount than the top-up asked for. */
  AMOUNT_MISMATCH,
  /** A paid Checkout Session this worker never started. */
  UNKNOWN_SESSION,
  /** A second completion of a credited Checkout Session that disagrees with the first. */
  SESSION_CONFLICT;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ReviewReason fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }

  /**
   * The one comparison of what Stripe says was paid with what the wallet asked for: empty when they
   * are the same money, otherwise why not. No conversion is ever made here: a payment in another
   * currency is not worth its face value in the wallet's.
   */
  static Optional<ReviewReason> mismatch(StripeAmount paid, BigDecimal amount, String currency) {
    if (!paid.currency().equalsIgnoreCase(currency)) {
      return Optional.of(CURRENCY_MISMATCH);
    }
    if (paid.decimal().compareTo(amount) != 0) {
      return Optional.of(AMOUNT_MISMATCH);
    }
    return Optional.empty();
  }
}
