package dev.walletworker.stripe.emulator;

import java.util.Map;

/** Stripe's documented test payment methods, and what each does when charged. */
final class TestCards {

  /** A decline, as Stripe reports it. */
  record Decline(String code, String declineCode, String message) {}

  static final String SCA = "pm_card_authenticationRequired";

  private static final Map<String, Decline> DECLINES =
      Map.of(
          "pm_card_chargeDeclined",
          new Decline("card_declined", "generic_decline", "Your card was declined."),
          "pm_card_visa_chargeDeclined",
          new Decline("card_declined", "generic_decline", "Your card was declined."),
          "pm_card_chargeDeclinedInsufficientFunds",
          new Decline("card_declined", "insufficient_funds", "Your card has insufficient funds."),
          "pm_card_chargeDeclinedExpiredCard",
          new Decline("expired_card", "expired_card", "Your card has expired."),
          "pm_card_chargeDeclinedIncorrectCvc",
          new Decline("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
          "pm_card_chargeDeclinedProcessingError",
          new Decline(
              "processing_error",
              "processing_error",
              "An error occurred while processing your card."),
          "pm_card_chargeDeclinedFraudulent",
          new Decline("card_declined", "fraudulent", "Your card was declined."));

  private static final java.util.Set<String> SUCCEED =
      java.util.Set.of(
          "pm_card_visa", "pm_card_mastercard", "pm_card_amex", "pm_card_visa_debit", "pm_card_us");

  private TestCards() {}

  static boolean known(String paymentMethod) {
    return SUCCEED.contains(paymentMethod)
        || DECLINES.containsKey(paymentMethod)
        || SCA.equals(paymentMethod);
  }

  static Decline decline(String paymentMethod) {
    return DECLINES.get(paymentMethod);
  }

  static String brand(String paymentMethod) {
    return paymentMethod.contains("mastercard")
        ? "mastercard"
        : paymentMethod.contains("amex") ? "amex" : "visa";
  }
}
