package dev.walletworker.stripe.emulator;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored Checkout Session ({@code mode=payment}). Immutable: completing or expiring it stores a
 * new one.
 *
 * @param amountTotal in the currency's minor unit
 * @param lineItems what is bought, for the hosted page (Stripe shows them only when expanded)
 * @param currencyConversion Adaptive Pricing as API versions before 2025-03-31 report it, or null
 * @param presentmentDetails Adaptive Pricing as later versions report it, or null
 */
record CheckoutSession(
    String id,
    String status,
    String paymentStatus,
    long amountTotal,
    String currency,
    String customer,
    String customerEmail,
    String clientReferenceId,
    Map<String, String> metadata,
    List<LineItem> lineItems,
    String successUrl,
    String cancelUrl,
    String url,
    String paymentIntent,
    long created,
    long expiresAt,
    Map<String, Object> currencyConversion,
    Map<String, Object> presentmentDetails) {

  static final String OPEN = "open";
  static final String COMPLETE = "complete";
  static final String EXPIRED = "expired";

  /** Stripe replaces this in {@code success_url} with the session's id. */
  static final String SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}";

  /**
   * One line of what is bought.
   *
   * @param unitAmount in the currency's minor unit
   */
  record LineItem(String name, long quantity, long unitAmount, String currency) {}

  boolean open() {
    return OPEN.equals(status);
  }

  /** Where the customer goes after paying. */
  String successRedirect() {
    return successUrl.replace(SESSION_ID_PLACEHOLDER, id);
  }

  /**
   * Paid through {@code paymentIntentId}; with {@code presentedCurrency}, paid in the customer's
   * currency as Adaptive Pricing presents it, reported in the legacy or the current format.
   */
  CheckoutSession paid(
      String paymentIntentId, String presentedCurrency, long presentedMinor, boolean legacyFormat) {
    String newCurrency = currency;
    long newTotal = amountTotal;
    Map<String, Object> conversion = currencyConversion;
    Map<String, Object> presentment = presentmentDetails;
    if (presentedCurrency != null && legacyFormat) {
      Map<String, Object> legacy = new LinkedHashMap<>();
      legacy.put("amount_subtotal", amountTotal);
      legacy.put("amount_total", amountTotal);
      legacy.put(
          "fx_rate",
          BigDecimal.valueOf(presentedMinor)
              .divide(BigDecimal.valueOf(amountTotal), MathContext.DECIMAL64)
              .toPlainString());
      legacy.put("source_currency", currency);
      conversion = Maps.frozen(legacy);
      newCurrency = presentedCurrency;
      newTotal = presentedMinor;
    } else if (presentedCurrency != null) {
      presentment =
          Map.of("presentment_amount", presentedMinor, "presentment_currency", presentedCurrency);
    }
    return new CheckoutSession(
        id,
        COMPLETE,
        "paid",
        newTotal,
        newCurrency,
        customer,
        customerEmail,
        clientReferenceId,
        metadata,
        lineItems,
        successUrl,
        cancelUrl,
        url,
        paymentIntentId,
        created,
        expiresAt,
        conversion,
        presentment);
  }

  CheckoutSession expired() {
    return new CheckoutSession(
        id,
        EXPIRED,
        paymentStatus,
        amountTotal,
        currency,
        customer,
        customerEmail,
        clientReferenceId,
        metadata,
        lineItems,
        successUrl,
        cancelUrl,
        url,
        paymentIntent,
        created,
        expiresAt,
        currencyConversion,
        presentmentDetails);
  }

  /** As Stripe's API shows it. */
  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("object", "checkout.session");
    json.put("mode", "payment");
    json.put("status", status);
    json.put("payment_status", paymentStatus);
    json.put("amount_total", amountTotal);
    json.put("currency", currency);
    json.put("customer", customer);
    json.put("customer_email", customerEmail);
    json.put("client_reference_id", clientReferenceId);
    json.put("metadata", metadata);
    json.put("success_url", successUrl);
    json.put("cancel_url", cancelUrl);
    json.put("url", url);
    json.put("payment_intent", paymentIntent);
    json.put("created", created);
    json.put("expires_at", expiresAt);
    json.put("livemode", false);
    if (currencyConversion != null) {
      json.put("currency_conversion", currencyConversion);
    }
    if (presentmentDetails != null) {
      json.put("presentment_details", presentmentDetails);
    }
    return json;
  }
}
