package dev.walletworker.stripe;

/** What Stripe said about an off-session charge, in the terms the top-up logic acts on. */
public sealed interface ChargeOutcome {

  /** Paid: credit the wallet, if {@code paid} is what was asked for. */
  record Succeeded(String paymentIntentId, StripeAmount paid) implements ChargeOutcome {}

  /** Refused by the card or the issuer: a final answer for this attempt. */
  record Declined(String paymentIntentId, String code, String declineCode, String message)
      implements ChargeOutcome {}

  /** The bank wants the owner to authenticate: no off-session retry until that is resolved. */
  record RequiresAction(String paymentIntentId) implements ChargeOutcome {}

  /** Stripe accepted it but has not settled it yet (e.g. {@code processing}). */
  record Processing(String paymentIntentId) implements ChargeOutcome {}

  /**
   * No answer (timeout, connection lost, 5xx, 429, bad API key): the charge may or may not exist.
   * Resolve it by asking again with the same idempotency key, never with a new one.
   */
  record Unknown(String reason) implements ChargeOutcome {}
}
