package dev.walletworker.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeError;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentSearchParams;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wallet's use of Stripe, through the one {@link StripeClient} built from configuration. Every
 * answer, and every failure to get one, becomes a {@link ChargeOutcome}.
 */
public final class StripePayments {

  private static final Logger log = LoggerFactory.getLogger(StripePayments.class);

  private final StripeClient client;
  private final boolean configured;

  /**
   * @param configured false when no API key was given: nothing is sent to Stripe, and the jobs that
   *     need it say so
   */
  public StripePayments(StripeClient client, boolean configured) {
    this.client = client;
    this.configured = configured;
  }

  public boolean isConfigured() {
    return configured;
  }

  /**
   * The one client, built from configuration: explicit timeouts, stripe-java's own retries (with
   * the same idempotency key) limited to {@code networkRetries}. A blank key gives an unconfigured
   * instance that sends nothing.
   */
  public static StripePayments create(
      String apiKey,
      String apiBase,
      java.time.Duration connectTimeout,
      java.time.Duration readTimeout,
      int networkRetries) {
    boolean configured = apiKey != null && !apiKey.isBlank();
    StripeClient client =
        StripeClient.builder()
            .setApiKey(configured ? apiKey : "sk_unconfigured")
            .setApiBase(apiBase)
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setReadTimeout((int) readTimeout.toMillis())
            .setMaxNetworkRetries(networkRetries)
            .build();
    return new StripePayments(client, configured);
  }

  StripeClient client() {
    return client;
  }

  /** Creates and confirms an off-session PaymentIntent with the attempt's idempotency key. */
  public ChargeOutcome chargeOffSession(OffSessionCharge charge) {
    PaymentIntentCreateParams params =
        PaymentIntentCreateParams.builder()
            .setAmount(charge.amountMinor())
            .setCurrency(charge.currency().toLowerCase(Locale.ROOT))
            .setCustomer(charge.customerId())
            .setPaymentMethod(charge.paymentMethodId())
            .setOffSession(true)
            .setConfirm(true)
            .setDescription(charge.description())
            .putAllMetadata(charge.metadata())
            .build();
    try {
      PaymentIntent intent =
          client
              .v1()
              .paymentIntents()
              .create(
                  params,
                  RequestOptions.builder().setIdempotencyKey(charge.idempotencyKey()).build());
      return outcome(intent);
    } catch (StripeException e) {
      return failure(e);
    }
  }

  /**
   * A Stripe Checkout Session for a one-off top-up; the completed session is credited by its
   * webhook ({@code metadata.account_id}).
   *
   * @return the session's id and URL
   */
  public Map.Entry<String, String> createCheckout(
      String accountId,
      long amountMinor,
      String currency,
      String customerId,
      String successUrl,
      String cancelUrl)
      throws CheckoutUnavailableException {
    var builder =
        com.stripe.param.checkout.SessionCreateParams.builder()
            .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.PAYMENT)
            .setSuccessUrl(successUrl)
            .setCancelUrl(cancelUrl)
            .setClientReferenceId(accountId)
            .putMetadata("account_id", accountId)
            .putMetadata("kind", "checkout_topup")
            .addLineItem(
                com.stripe.param.checkout.SessionCreateParams.LineItem.builder()
                    .setQuantity(1L)
                    .setPriceData(
                        com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData.builder()
                            .setCurrency(currency.toLowerCase(Locale.ROOT))
                            .setUnitAmount(amountMinor)
                            .setProductData(
                                com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData
                                    .ProductData.builder()
                                    .setName("API credits")
                                    .build())
                            .build())
                    .build());
    if (customerId != null) {
      builder.setCustomer(customerId);
    }
    if (!configured) {
      throw new CheckoutUnavailableException("payments are not configured (STRIPE_API_KEY)");
    }
    try {
      var session = client.v1().checkout().sessions().create(builder.build());
      return Map.entry(session.getId(), session.getUrl());
    } catch (StripeException e) {
      throw new CheckoutUnavailableException(
          "Stripe could not start the checkout: " + e.getMessage());
    }
  }

  /** Stripe could not be asked, or refused: the top-up was not started. */
  public static final class CheckoutUnavailableException extends Exception {
    public CheckoutUnavailableException(String message) {
      super(message);
    }
  }

  /** The latest state of a PaymentIntent. */
  public ChargeOutcome retrieve(String paymentIntentId) {
    try {
      return outcome(client.v1().paymentIntents().retrieve(paymentIntentId));
    } catch (StripeException e) {
      return failure(e);
    }
  }

  /**
   * The second net: the PaymentIntent carrying {@code metadata[key] = value}, if Stripe has one.
   * Empty means Stripe has none (the charge never happened); an unanswered search is {@link
   * ChargeOutcome.Unknown}.
   */
  public Optional<ChargeOutcome> findByMetadata(String key, String value) {
    try {
      var result =
          client
              .v1()
              .paymentIntents()
              .search(
                  PaymentIntentSearchParams.builder()
                      .setQuery("metadata['" + key + "']:'" + value.replace("'", "") + "'")
                      .build());
      return result.getData().stream().findFirst().map(StripePayments::outcome);
    } catch (StripeException e) {
      return Optional.of(failure(e));
    }
  }

  static ChargeOutcome outcome(PaymentIntent intent) {
    StripeError error = intent.getLastPaymentError();
    return switch (intent.getStatus()) {
      case "succeeded" -> new ChargeOutcome.Succeeded(intent.getId(), intent.getAmount());
      case "requires_action" -> new ChargeOutcome.RequiresAction(intent.getId());
      case "processing", "requires_capture" -> new ChargeOutcome.Processing(intent.getId());
      case "canceled" ->
          new ChargeOutcome.Declined(intent.getId(), "canceled", null, "The payment was canceled.");
      case "requires_payment_method" ->
          error != null && "authentication_required".equals(error.getCode())
              ? new ChargeOutcome.RequiresAction(intent.getId())
              : new ChargeOutcome.Declined(
                  intent.getId(),
                  error == null ? "requires_payment_method" : error.getCode(),
                  error == null ? null : error.getDeclineCode(),
                  error == null ? "The payment method was not accepted." : error.getMessage());
      default ->
          new ChargeOutcome.Unknown(
              "payment intent " + intent.getId() + " is " + intent.getStatus());
    };
  }

  private static ChargeOutcome failure(StripeException e) {
    if (e instanceof CardException card) {
      String intent =
          card.getStripeError() != null && card.getStripeError().getPaymentIntent() != null
              ? card.getStripeError().getPaymentIntent().getId()
              : null;
      if ("authentication_required".equals(card.getCode())) {
        return new ChargeOutcome.RequiresAction(intent);
      }
      return new ChargeOutcome.Declined(
          intent, card.getCode(), card.getDeclineCode(), card.getMessage());
    }
    if (e instanceof InvalidRequestException invalid
        && !"idempotency_error".equals(typeOf(invalid))) {
      // The customer or card on file is not usable (e.g. no such payment method): the owner must
      // fix it.
      return new ChargeOutcome.Declined(
          null,
          invalid.getCode() == null ? "invalid_request" : invalid.getCode(),
          null,
          invalid.getMessage());
    }
    if (e instanceof AuthenticationException || e instanceof PermissionException) {
      log.error("stripe refused our credentials ({}): check STRIPE_API_KEY", e.getStatusCode());
    }
    return new ChargeOutcome.Unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  private static String typeOf(StripeException e) {
    return e.getStripeError() == null ? null : e.getStripeError().getType();
  }
}
