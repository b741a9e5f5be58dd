package dev.walletworker.stripe.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored PaymentIntent. Immutable: each change stores a new one, so what was answered or sent in
 * an event stays as it was.
 *
 * @param amount in the currency's minor unit
 * @param lastPaymentError Stripe's {@code last_payment_error} object, or null
 * @param nextAction Stripe's {@code next_action} object, or null
 */
record PaymentIntent(
    String id,
    long amount,
    long amountReceived,
    String currency,
    String customer,
    String paymentMethod,
    Map<String, String> metadata,
    String status,
    String clientSecret,
    String latestCharge,
    Map<String, Object> lastPaymentError,
    Map<String, Object> nextAction,
    String description,
    long created) {

  static final String SUCCEEDED = "succeeded";
  static final String REQUIRES_PAYMENT_METHOD = "requires_payment_method";
  static final String REQUIRES_CONFIRMATION = "requires_confirmation";
  static final String REQUIRES_ACTION = "requires_action";

  /** A new PaymentIntent, not confirmed yet. */
  static PaymentIntent create(
      long amount,
      String currency,
      String customer,
      String paymentMethod,
      Map<String, String> metadata,
      String description) {
    String id = "pi_" + Ids.random(24);
    return new PaymentIntent(
        id,
        amount,
        0,
        currency,
        customer,
        paymentMethod,
        Maps.frozen(metadata),
        REQUIRES_PAYMENT_METHOD,
        id + "_secret_" + Ids.random(24),
        null,
        null,
        null,
        description,
        Ids.now());
  }

  boolean succeeded() {
    return SUCCEEDED.equals(status);
  }

  /** Whether {@code clientSecret} is this PaymentIntent's, as Stripe.js presents it. */
  boolean hasClientSecret(String secret) {
    return clientSecret.equals(secret);
  }

  PaymentIntent withStatus(String newStatus) {
    return moved(newStatus, amountReceived, latestCharge, lastPaymentError, nextAction);
  }

  /** The customer must act (3-D Secure): Stripe.js handles it with the client secret. */
  PaymentIntent requiringAction() {
    return moved(
        REQUIRES_ACTION,
        amountReceived,
        latestCharge,
        lastPaymentError,
        Map.of("type", "use_stripe_sdk", "use_stripe_sdk", Map.of()));
  }

  /** Paid in full by charge {@code chargeId}. */
  PaymentIntent paid(String chargeId) {
    return moved(SUCCEEDED, amount, chargeId, null, null);
  }

  /** Not paid: back to needing a payment method, with why. */
  PaymentIntent failed(Map<String, Object> error) {
    return moved(REQUIRES_PAYMENT_METHOD, amountReceived, latestCharge, Maps.frozen(error), null);
  }

  /** The same PaymentIntent in another state: only these fields ever change. */
  private PaymentIntent moved(
      String newStatus,
      long received,
      String charge,
      Map<String, Object> error,
      Map<String, Object> action) {
    return new PaymentIntent(
        id,
        amount,
        received,
        currency,
        customer,
        paymentMethod,
        metadata,
        newStatus,
        clientSecret,
        charge,
        error,
        action,
        description,
        created);
  }

  /** As Stripe's API shows it (with a secret key). */
  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("object", "payment_intent");
    json.put("amount", amount);
    json.put("amount_received", amountReceived);
    json.put("currency", currency);
    json.put("customer", customer);
    json.put("payment_method", paymentMethod);
    json.put("metadata", metadata);
    json.put("status", status);
    json.put("client_secret", clientSecret);
    json.put("capture_method", "automatic");
    json.put("confirmation_method", "automatic");
    json.put("latest_charge", latestCharge);
    json.put("last_payment_error", lastPaymentError);
    json.put("next_action", nextAction);
    json.put("created", created);
    json.put("livemode", false);
    json.put("description", description);
    return json;
  }

  /**
   * The fields Stripe.js shows a page holding only the client secret (no customer, no metadata).
   */
  private static final List<String> PUBLIC_FIELDS =
      List.of(
          "id",
          "object",
          "amount",
          "currency",
          "status",
          "client_secret",
          "last_payment_error",
          "next_action",
          "livemode");

  /** What Stripe.js shows a page holding only the client secret. */
  Map<String, Object> publicJson() {
    Map<String, Object> all = json();
    Map<String, Object> json = new LinkedHashMap<>();
    PUBLIC_FIELDS.forEach(field -> json.put(field, all.get(field)));
    return json;
  }
}
