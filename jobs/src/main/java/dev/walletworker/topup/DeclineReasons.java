package dev.walletworker.topup;

import java.util.Map;

/** Stripe's decline codes in words a card owner understands. */
final class DeclineReasons {

  private static final Map<String, String> WORDS =
      Map.ofEntries(
          Map.entry("insufficient_funds", "your card has insufficient funds"),
          Map.entry("expired_card", "your card has expired"),
          Map.entry("incorrect_cvc", "the card's security code was not accepted"),
          Map.entry("processing_error", "the card network could not process the payment"),
          Map.entry("lost_card", "your bank reported the card as lost"),
          Map.entry("stolen_card", "your bank reported the card as stolen"),
          Map.entry("card_velocity_exceeded", "your card's spending limit was reached"),
          Map.entry("do_not_honor", "your bank declined the payment"),
          Map.entry("generic_decline", "your bank declined the payment"),
          Map.entry("card_declined", "your bank declined the payment"),
          Map.entry("fraudulent", "your bank declined the payment"),
          Map.entry("resource_missing", "the saved card is no longer available"),
          Map.entry("canceled", "the payment was canceled"),
          Map.entry("authentication_not_completed", "the payment was not confirmed in time"));

  private DeclineReasons() {}

  static String words(String declineCode, String code) {
    String byDecline = declineCode == null ? null : WORDS.get(declineCode);
    if (byDecline != null) {
      return byDecline;
    }
    return code == null
        ? "your card was declined"
        : WORDS.getOrDefault(code, "your card was declined");
  }
}
