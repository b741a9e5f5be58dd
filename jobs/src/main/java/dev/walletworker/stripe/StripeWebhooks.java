package dev.walletworker.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.util.Map;

/** Verifies a webhook delivery ({@code Stripe-Signature}, with a tolerance) and reads its event. */
public final class StripeWebhooks {

  private static final java.util.regex.Pattern SIGNATURE_HEADER =
      java.util.regex.Pattern.compile("t=\\d{1,12}(,[a-z0-9]{1,8}=[0-9a-fA-F]{0,256})+");

  private final StripePayments stripe;
  private final String secret;
  private final long toleranceSeconds;

  public StripeWebhooks(StripePayments stripe, String secret, long toleranceSeconds) {
    this.stripe = stripe;
    this.secret = secret;
    this.toleranceSeconds = toleranceSeconds;
  }

  public boolean isConfigured() {
    return secret != null && !secret.isBlank();
  }

  /**
   * The event, if the signature is Stripe's, recent and for this payload; otherwise a {@link
   * WalletException} (the caller answers 400 and changes nothing).
   */
  public WebhookEvent verify(String payload, String signature) {
    if (signature == null || signature.isBlank()) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "missing Stripe-Signature header", "Stripe-Signature");
    }
    if (!SIGNATURE_HEADER.matcher(signature).matches()) {
      // stripe-java reads a malformed header as a malformed payload; say which it is.
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "invalid Stripe-Signature: expected t=<timestamp>,v1=<signature>",
          "Stripe-Signature");
    }
    Event event;
    try {
      event = stripe.client().constructEvent(payload, signature, secret, toleranceSeconds);
    } catch (SignatureVerificationException e) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "invalid Stripe-Signature: " + e.getMessage(),
          "Stripe-Signature");
    } catch (RuntimeException e) {
      throw new WalletException(ErrorType.INVALID_REQUEST, "malformed event payload", null);
    }
    // Signed by Stripe, but a payload without these cannot be acted on: a clear 400, not a 500
    // that Stripe would retry for days.
    required(event.getId(), "id");
    required(event.getType(), "type");
    required(event.getApiVersion(), "api_version");
    if (event.getData() == null) {
      throw malformed("the event has no data.object", "data.object");
    }
    StripeObject object;
    try {
      var data = event.getDataObjectDeserializer();
      object = data.getObject().orElseGet(() -> unsafe(data));
    } catch (RuntimeException e) {
      // stripe-java fails on a missing data.object with a NullPointerException of its own.
      throw malformed("the event has no data.object, or it cannot be read", "data.object");
    }
    if (event.getType().startsWith("payment_intent.")) {
      if (!(object instanceof PaymentIntent intent)) {
        throw malformed("data.object is not a payment_intent", "data.object");
      }
      required(intent.getId(), "data.object.id");
      required(intent.getStatus(), "data.object.status");
      if ("succeeded".equals(intent.getStatus())) {
        amount(intent.getAmount(), intent.getCurrency(), "data.object");
      }
      return new WebhookEvent(
          event.getId(),
          event.getType(),
          intent.getId(),
          metadata(intent.getMetadata()),
          StripePayments.outcome(intent),
          null);
    }
    if (event.getType().startsWith("checkout.session.")) {
      if (!(object instanceof Session session)) {
        throw malformed("data.object is not a checkout.session", "data.object");
      }
      required(session.getId(), "data.object.id");
      return new WebhookEvent(
          event.getId(),
          event.getType(),
          session.getId(),
          metadata(session.getMetadata()),
          null,
          checkoutPayment(session));
    }
    return new WebhookEvent(event.getId(), event.getType(), null, Map.of(), null, null);
  }

  /**
   * What a session says was paid, in the currency it was created in. Adaptive Pricing presents a
   * session in the buyer's currency: sessions of API versions before 2025-03-31 then report that
   * currency in {@code currency}/{@code amount_total} and the original in {@code
   * currency_conversion} (read here); later ones keep the original in {@code currency} and put the
   * buyer's in {@code presentment_details}.
   */
  private static WebhookEvent.CheckoutPayment checkoutPayment(Session session) {
    StripeAmount total = amount(session.getAmountTotal(), session.getCurrency(), "data.object");
    Session.CurrencyConversion conversion = session.getCurrencyConversion();
    if (conversion != null && conversion.getSourceCurrency() != null) {
      StripeAmount source =
          amount(
              conversion.getAmountTotal(),
              conversion.getSourceCurrency(),
              "data.object.currency_conversion");
      return new WebhookEvent.CheckoutPayment(session.getPaymentStatus(), source, total);
    }
    Session.PresentmentDetails presented = session.getPresentmentDetails();
    StripeAmount shown =
        presented == null
                || presented.getPresentmentAmount() == null
                || presented.getPresentmentCurrency() == null
            ? null
            : amount(
                presented.getPresentmentAmount(),
                presented.getPresentmentCurrency(),
                "data.object.presentment_details");
    return new WebhookEvent.CheckoutPayment(session.getPaymentStatus(), total, shown);
  }

  private static StripeAmount amount(Long minor, String currency, String param) {
    if (minor == null || currency == null) {
      throw malformed(param + " has no amount or currency", param);
    }
    try {
      return StripeAmount.of(minor, currency);
    } catch (IllegalArgumentException e) {
      throw malformed(param + ".currency is not a currency code", param + ".currency");
    }
  }

  private static void required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw malformed("the event has no " + field, field);
    }
  }

  private static WalletException malformed(String message, String param) {
    return new WalletException(ErrorType.INVALID_REQUEST, "malformed event: " + message, param);
  }

  /* Events of another API version than the library's still carry the fields we read. */
  private static StripeObject unsafe(com.stripe.model.EventDataObjectDeserializer data) {
    try {
      return data.deserializeUnsafe();
    } catch (com.stripe.exception.EventDataObjectDeserializationException e) {
      return null;
    }
  }

  private static Map<String, String> metadata(Map<String, String> metadata) {
    return metadata == null ? Map.of() : metadata;
  }
}
