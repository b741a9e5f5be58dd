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
      throw new WalletException(ErrorType.INVALID_REQUEST, "malformed event payload", "body");
    }
    var data = event.getDataObjectDeserializer();
    StripeObject object = data.getObject().orElseGet(() -> unsafe(data));
    if (object instanceof PaymentIntent intent) {
      return new WebhookEvent(
          event.getId(),
          event.getType(),
          intent.getId(),
          metadata(intent.getMetadata()),
          StripePayments.outcome(intent),
          null,
          intent.getCurrency(),
          null);
    }
    if (object instanceof Session session) {
      return new WebhookEvent(
          event.getId(),
          event.getType(),
          session.getId(),
          metadata(session.getMetadata()),
          null,
          session.getAmountTotal(),
          session.getCurrency(),
          session.getPaymentStatus());
    }
    return new WebhookEvent(event.getId(), event.getType(), null, Map.of(), null, null, null, null);
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
