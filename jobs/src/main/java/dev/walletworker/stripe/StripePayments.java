package dev.walletworker.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeError;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentSearchParams;
import java.time.Duration;
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
  private static final Duration FIRST_RATE_LIMIT_PAUSE = Duration.ofMillis(250);

  private final StripeClient client;
  private final boolean configured;
  private final StripeRateLimiter limiter;
  private final int rateLimitRetries;
  private final Duration requestTimeout;

  /**
   * Sends every request at once, and takes a 429 as an unanswered request.
   *
   * @param configured false when no API key was given: nothing is sent to Stripe, and the jobs that
   *     need it say so
   * @param requestTimeout how long a request may wait for Stripe's answer (the client's read
   *     timeout)
   */
  public StripePayments(StripeClient client, boolean configured, Duration requestTimeout) {
    this(client, configured, new StripeRateLimiter(0), 0, requestTimeout);
  }

  private StripePayments(
      StripeClient client,
      boolean configured,
      StripeRateLimiter limiter,
      int rateLimitRetries,
      Duration requestTimeout) {
    this.client = client;
    this.configured = configured;
    this.limiter = limiter;
    this.rateLimitRetries = rateLimitRetries;
    this.requestTimeout = requestTimeout;
  }

  /** How long a request may wait for Stripe's answer: a leased attempt outlives it. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  public boolean isConfigured() {
    return configured;
  }

  /**
   * The one client, built from configuration: explicit timeouts, stripe-java's own retries (with
   * the same idempotency key) limited to {@code networkRetries}, and at most {@code
   * maxRequestsPerSecond} requests a second from this process (0: no limit of its own). A 429 is
   * asked again, up to {@code networkRetries} times, after holding every request back for a moment:
   * Stripe executed nothing, and the request carries the same idempotency key. A blank key gives an
   * unconfigured instance that sends nothing.
   */
  public static StripePayments create(
      String apiKey,
      String apiBase,
      Duration connectTimeout,
      Duration readTimeout,
      int networkRetries,
      int maxRequestsPerSecond) {
    boolean configured = apiKey != null && !apiKey.isBlank();
    StripeClient client =
        StripeClient.builder()
            .setApiKey(configured ? apiKey : "sk_unconfigured")
            .setApiBase(apiBase)
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setReadTimeout((int) readTimeout.toMillis())
            .setMaxNetworkRetries(networkRetries)
            .build();
    return new StripePayments(
        client,
        configured,
        new StripeRateLimiter(maxRequestsPerSecond),
        networkRetries,
        readTimeout);
  }

  StripeClient client() {
    return client;
  }

  /** Creates and confirms an off-session PaymentIntent with the attempt's idempotency key. */
  public ChargeOutcome chargeOffSession(OffSessionCharge charge) {
    PaymentIntentCreateParams params =
        PaymentIntentCreateParams.builder()
            .setAmount(charge.amount().minor())
            .setCurrency(charge.amount().stripeCurrency())
            .setCustomer(charge.customerId())
            .setPaymentMethod(charge.paymentMethodId())
            .setOffSession(true)
            .setConfirm(true)
            .setDescription(charge.description())
            .putAllMetadata(charge.metadata())
            .build();
    RequestOptions options =
        RequestOptions.builder().setIdempotencyKey(charge.idempotencyKey()).build();
    try {
      return outcome(request(() -> client.v1().paymentIntents().create(params, options)));
    } catch (StripeException e) {
      return failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ChargeOutcome.Unknown("interrupted while waiting to send the charge");
    }
  }

  /**
   * A Stripe Checkout Session for a one-off top-up; the completed session is credited by its
   * webhook, as the top-up {@code topUpId} recorded before this call.
   *
   * @param topUpId the wallet's record of the top-up: the session's metadata and idempotency key,
   *     so a repeated request returns the same session
   * @return the session's id and URL
   */
  public Map.Entry<String, String> createCheckout(
      String accountId,
      String topUpId,
      StripeAmount amount,
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
            .putMetadata("topup_id", topUpId)
            .addLineItem(
                com.stripe.param.checkout.SessionCreateParams.LineItem.builder()
                    .setQuantity(1L)
                    .setPriceData(
                        com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData.builder()
                            .setCurrency(amount.stripeCurrency())
                            .setUnitAmount(amount.minor())
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
      limiter.acquire();
      var session =
          client
              .v1()
              .checkout()
              .sessions()
              .create(
                  builder.build(),
                  RequestOptions.builder().setIdempotencyKey("checkout-" + topUpId).build());
      return Map.entry(session.getId(), session.getUrl());
    } catch (StripeException e) {
      throw new CheckoutUnavailableException(
          "Stripe could not start the checkout: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckoutUnavailableException("interrupted while waiting to ask Stripe");
    }
  }

  /** Stripe could not be asked, or refused: the top-up was not started. */
  public static final class CheckoutUnavailableException extends Exception {
    public CheckoutUnavailableException(String message) {
      super(message);
    }
  }

  /**
   * The client secret of a PaymentIntent, for Stripe.js on the owner's confirmation page; empty
   * when Stripe does not answer or knows no such PaymentIntent.
   */
  public Optional<String> clientSecret(String paymentIntentId) {
    try {
      return Optional.ofNullable(
          request(() -> client.v1().paymentIntents().retrieve(paymentIntentId)).getClientSecret());
    } catch (StripeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The latest state of a PaymentIntent. */
  public ChargeOutcome retrieve(String paymentIntentId) {
    try {
      return outcome(request(() -> client.v1().paymentIntents().retrieve(paymentIntentId)));
    } catch (StripeException e) {
      return failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ChargeOutcome.Unknown("interrupted while waiting to ask Stripe");
    }
  }

  /**
   * The second net: the PaymentIntent carrying {@code metadata[key] = value}, if Stripe has one.
   * Empty means Stripe has none (the charge never happened); an unanswered search is {@link
   * ChargeOutcome.Unknown}.
   */
  public Optional<ChargeOutcome> findByMetadata(String key, String value) {
    PaymentIntentSearchParams params =
        PaymentIntentSearchParams.builder()
            .setQuery("metadata['" + key + "']:'" + value.replace("'", "") + "'")
            .build();
    try {
      var result = request(() -> client.v1().paymentIntents().search(params));
      return result.getData().stream().findFirst().map(StripePayments::outcome);
    } catch (StripeException e) {
      return Optional.of(failure(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new ChargeOutcome.Unknown("interrupted while waiting to ask Stripe"));
    }
  }

  /** A request Stripe may be asked again (it carries its idempotency key, or reads). */
  private interface Request<T> {
    T send() throws StripeException;
  }

  /**
   * Sends {@code request} in its turn under the rate limit. A 429 means Stripe executed nothing:
   * every request of this process is held back (250 ms, doubling) and this one is asked again, up
   * to {@code rateLimitRetries} times; after that the 429 is the caller's unanswered request.
   */
  private <T> T request(Request<T> request) throws StripeException, InterruptedException {
    for (int retry = 0; ; retry++) {
      limiter.acquire();
      try {
        return request.send();
      } catch (RateLimitException e) {
        if (retry >= rateLimitRetries) {
          throw e;
        }
        Duration pause = FIRST_RATE_LIMIT_PAUSE.multipliedBy(1L << retry);
        limiter.holdBack(pause);
        log.info(
            "stripe rate limit (429); requests held back {} ms, asking again ({}/{})",
            pause.toMillis(),
            retry + 1,
            rateLimitRetries);
      }
    }
  }

  static ChargeOutcome outcome(PaymentIntent intent) {
    StripeError error = intent.getLastPaymentError();
    return switch (intent.getStatus()) {
      case "succeeded" ->
          new ChargeOutcome.Succeeded(
              intent.getId(), StripeAmount.of(intent.getAmount(), intent.getCurrency()));
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
    if (e instanceof RateLimitException) {
      // Refused before it was executed: unanswered, asked again later with the same key.
      return new ChargeOutcome.Unknown("rate limited by Stripe (429)");
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
