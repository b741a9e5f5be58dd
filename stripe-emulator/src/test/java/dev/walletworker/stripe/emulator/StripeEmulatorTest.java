package dev.walletworker.stripe.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.RateLimitException;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentSearchParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** stripe-java, unchanged, against the emulator over HTTP. */
class StripeEmulatorTest {

  private final StripeEmulator emulator = StripeEmulator.start(0);
  private final StripeClient stripe = client(0);

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void aVisaChargeSucceedsAndIsInTheLedger() throws Exception {
    String customer = emulator.createCustomer("a@example.com");

    PaymentIntent pi =
        stripe.v1().paymentIntents().create(charge(customer, "pm_card_visa", 2500), key("k1"));

    assertThat(pi.getStatus()).isEqualTo("succeeded");
    assertThat(pi.getAmount()).isEqualTo(2500);
    assertThat(pi.getMetadata()).containsEntry("attempt_id", "tpa_1");
    assertThat(emulator.charges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.paymentIntent()).isEqualTo(pi.getId());
              assertThat(c.amount()).isEqualTo(2500);
              assertThat(c.metadata()).containsEntry("account_id", "acct_1");
            });
  }

  @ParameterizedTest
  @CsvSource({
    "pm_card_chargeDeclined, card_declined, generic_decline",
    "pm_card_chargeDeclinedInsufficientFunds, card_declined, insufficient_funds",
    "pm_card_chargeDeclinedExpiredCard, expired_card, expired_card",
    "pm_card_authenticationRequired, authentication_required, authentication_required",
  })
  void testCardsDeclineAsOnStripe(String pm, String code, String declineCode) {
    String customer = emulator.createCustomer("a@example.com");

    assertThatThrownBy(
            () -> stripe.v1().paymentIntents().create(charge(customer, pm, 2500), key("k-" + pm)))
        .isInstanceOfSatisfying(
            CardException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(code);
              assertThat(e.getDeclineCode()).isEqualTo(declineCode);
              assertThat(e.getStatusCode()).isEqualTo(402);
              assertThat(e.getStripeError().getPaymentIntent().getStatus())
                  .isEqualTo("requires_payment_method");
            });
    assertThat(emulator.charges()).isEmpty();
  }

  @Test
  void sameKeySameParamsReplaysAndOtherParamsAreAnIdempotencyError() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    PaymentIntent first =
        stripe.v1().paymentIntents().create(charge(customer, "pm_card_visa", 2500), key("same"));
    PaymentIntent again =
        stripe.v1().paymentIntents().create(charge(customer, "pm_card_visa", 2500), key("same"));

    assertThat(again.getId()).isEqualTo(first.getId());
    assertThat(emulator.charges()).hasSize(1);
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .paymentIntents()
                    .create(charge(customer, "pm_card_visa", 9900), key("same")))
        .isInstanceOf(IdempotencyException.class);
  }

  @Test
  void aReplayAnswersWhatTheFirstRequestDidNotTheObjectAsItIsNow() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    PaymentIntentCreateParams onSession =
        PaymentIntentCreateParams.builder()
            .setAmount(2500L)
            .setCurrency("usd")
            .setCustomer(customer)
            .setPaymentMethod("pm_card_authenticationRequired")
            .setConfirm(true)
            .build();
    PaymentIntent first = stripe.v1().paymentIntents().create(onSession, key("sca"));
    emulator.authenticate(first.getId());

    PaymentIntent replayed = stripe.v1().paymentIntents().create(onSession, key("sca"));

    assertThat(replayed.getId()).isEqualTo(first.getId());
    assertThat(replayed.getStatus()).isEqualTo("requires_action");
    assertThat(stripe.v1().paymentIntents().retrieve(first.getId()).getStatus())
        .isEqualTo("succeeded");
  }

  @Test
  void aDroppedConnectionAfterTheChargeIsResolvedByTheSameKey() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    emulator.faults().dropAfterChargeNext(1);

    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .paymentIntents()
                    .create(charge(customer, "pm_card_visa", 2500), key("drop")))
        .isInstanceOf(ApiConnectionException.class);
    assertThat(emulator.charges()).hasSize(1);

    PaymentIntent replayed =
        stripe.v1().paymentIntents().create(charge(customer, "pm_card_visa", 2500), key("drop"));
    assertThat(replayed.getStatus()).isEqualTo("succeeded");
    assertThat(emulator.charges()).hasSize(1);
  }

  @Test
  void injectedErrorsAndRateLimitsExecuteNothing() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    emulator.faults().failNext(1, 500);
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .paymentIntents()
                    .create(charge(customer, "pm_card_visa", 2500), key("e")))
        .isInstanceOf(ApiException.class);
    emulator.faults().failNext(1, 429);
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .paymentIntents()
                    .create(charge(customer, "pm_card_visa", 2500), key("e")))
        .isInstanceOf(RateLimitException.class);
    assertThat(emulator.charges()).isEmpty();

    // Nothing was saved for the key: the next try executes.
    assertThat(
            stripe
                .v1()
                .paymentIntents()
                .create(charge(customer, "pm_card_visa", 2500), key("e"))
                .getStatus())
        .isEqualTo("succeeded");
  }

  @Test
  void everyApiRequestIsLoggedWithItsArrivalTimeBeforeTheLatency() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    emulator.faults().latency(Duration.ofMillis(300));
    Instant before = Instant.now();

    PaymentIntent pi =
        stripe.v1().paymentIntents().create(charge(customer, "pm_card_visa", 2500), key("log"));
    stripe.v1().paymentIntents().retrieve(pi.getId());

    assertThat(emulator.requests())
        .satisfiesExactly(
            create -> {
              assertThat(create.method()).isEqualTo("POST");
              assertThat(create.path()).isEqualTo("/v1/payment_intents");
              assertThat(create.idempotencyKey()).isEqualTo("log");
              assertThat(create.metadata()).containsEntry("account_id", "acct_1");
              assertThat(create.receivedAt()).isBetween(before, before.plusMillis(250));
            },
            retrieve -> {
              assertThat(retrieve.method()).isEqualTo("GET");
              assertThat(retrieve.path()).isEqualTo("/v1/payment_intents/" + pi.getId());
              assertThat(retrieve.metadata()).isEmpty();
            });
  }

  @Test
  void requestsOverTheRateLimitGet429AndAreCounted() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    emulator.faults().rateLimit(2);
    int refused = 0;
    for (int i = 0; i < 7; i++) {
      try {
        stripe.v1().paymentIntents().create(charge(customer, "pm_card_visa", 2500), key("r" + i));
      } catch (RateLimitException e) {
        refused++;
      }
    }

    // Seven requests within two seconds: some one-second window saw more than two.
    assertThat(refused).isPositive();
    assertThat(emulator.rateLimitedRequests()).isEqualTo(refused);
    assertThat(emulator.charges()).hasSize(7 - refused);
    assertThat(emulator.requests()).hasSize(7);
  }

  @Test
  void paymentIntentsAreFoundByMetadata() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    PaymentIntent pi =
        stripe.v1().paymentIntents().create(charge(customer, "pm_card_visa", 2500), key("s"));

    var found =
        stripe
            .v1()
            .paymentIntents()
            .search(
                PaymentIntentSearchParams.builder()
                    .setQuery("metadata['attempt_id']:'tpa_1'")
                    .build());

    assertThat(found.getData()).extracting(PaymentIntent::getId).containsExactly(pi.getId());
    assertThat(stripe.v1().paymentIntents().retrieve(pi.getId()).getStatus())
        .isEqualTo("succeeded");
  }

  @Test
  void checkoutCompletionIsChargedAndSentAsASignedEvent() throws Exception {
    List<String[]> received = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          received.add(
              new String[] {
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                exchange.getRequestHeaders().getFirst("Stripe-Signature")
              });
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    hook.start();
    try {
      emulator.webhook("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook", "whsec_test");
      Session session =
          stripe
              .v1()
              .checkout()
              .sessions()
              .create(
                  SessionCreateParams.builder()
                      .setMode(SessionCreateParams.Mode.PAYMENT)
                      .setSuccessUrl("https://example.com/ok")
                      .putMetadata("account_id", "acct_1")
                      .addLineItem(
                          SessionCreateParams.LineItem.builder()
                              .setQuantity(1L)
                              .setPriceData(
                                  SessionCreateParams.LineItem.PriceData.builder()
                                      .setCurrency("usd")
                                      .setUnitAmount(5000L)
                                      .setProductData(
                                          SessionCreateParams.LineItem.PriceData.ProductData
                                              .builder()
                                              .setName("Credits")
                                              .build())
                                      .build())
                              .build())
                      .build());
      assertThat(session.getUrl()).startsWith(emulator.apiBase());
      assertThat(session.getAmountTotal()).isEqualTo(5000);

      emulator.completeCheckout(session.getId());

      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (received.stream().noneMatch(r -> r[0].contains("checkout.session.completed"))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      String[] completed =
          received.stream()
              .filter(r -> r[0].contains("checkout.session.completed"))
              .findFirst()
              .orElseThrow();
      Event event = Webhook.constructEvent(completed[0], completed[1], "whsec_test", 300);
      assertThat(event.getType()).isEqualTo("checkout.session.completed");
      Session paid = (Session) event.getDataObjectDeserializer().getObject().orElseThrow();
      assertThat(paid.getPaymentStatus()).isEqualTo("paid");
      assertThat(paid.getMetadata()).containsEntry("account_id", "acct_1");
      assertThat(emulator.charges())
          .singleElement()
          .satisfies(c -> assertThat(c.amount()).isEqualTo(5000));
      assertThatThrownBy(
              () -> Webhook.constructEvent(completed[0], completed[1], "whsec_other", 300))
          .isInstanceOf(com.stripe.exception.SignatureVerificationException.class);
    } finally {
      hook.stop(0);
    }
  }

  // --- the hosted Checkout page

  @Test
  void theCheckoutPageShowsWhatIsBoughtTheAmountAndBothButtons() throws Exception {
    Session session = checkout("usd", 10_000L);

    HttpResponse<String> page = get(session.getUrl(), "text/html,application/xhtml+xml,*/*;q=0.8");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body())
        .contains("Stripe emulator — test mode", "API credits", "$100.00 (USD)")
        .contains(
            "<form method=\"post\" action=\"/_emulator/checkout/" + session.getId() + "/pay\">",
            "<button type=\"submit\" class=\"pay\">Pay $100.00</button>",
            "<form method=\"post\" action=\"/_emulator/checkout/" + session.getId() + "/cancel\">",
            "<button type=\"submit\" class=\"cancel\">Cancel</button>");
    // A client that asks for JSON still gets the session.
    HttpResponse<String> json = get(session.getUrl(), "application/json");
    assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.body()).contains("\"checkout_session\"", session.getId());
  }

  @ParameterizedTest
  @CsvSource({"usd, 10000, $100.00", "eur, 2500, €25.00", "jpy, 2500, '¥2,500'", "gbp, 5, £0.05"})
  void theCheckoutPageShowsAmountsInTheCurrencysOwnUnits(
      String currency, long minor, String shown) {
    assertThat(CheckoutPage.money(minor, currency)).isEqualTo(shown);
  }

  @Test
  void payOnThePageCompletesTheSessionSendsTheSignedEventAndReturnsToTheSite() throws Exception {
    try (WebhookReceiver hook = new WebhookReceiver(emulator)) {
      Session session = checkout("eur", 2_500L);
      assertThat(get(session.getUrl(), "text/html").body()).contains("€25.00");

      HttpResponse<String> paid = post(session.getUrl() + "/pay");

      assertThat(paid.statusCode()).isEqualTo(303);
      assertThat(paid.headers().firstValue("Location"))
          .hasValue("https://wallet.example/billing?topup=success&session=" + session.getId());
      assertThat(emulator.checkoutSession(session.getId()).orElseThrow())
          .containsEntry("status", "complete")
          .containsEntry("payment_status", "paid");
      assertThat(emulator.charges())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.amount()).isEqualTo(2_500);
                assertThat(c.currency()).isEqualTo("eur");
                assertThat(c.metadata()).containsEntry("account_id", "acct_1");
              });
      Event event = hook.await("checkout.session.completed");
      Session sent = (Session) event.getDataObjectDeserializer().getObject().orElseThrow();
      assertThat(sent.getId()).isEqualTo(session.getId());
      assertThat(sent.getPaymentStatus()).isEqualTo("paid");

      // Paid once: the page says so, and Pay again charges nothing.
      assertThat(get(session.getUrl(), "text/html").body())
          .contains("This payment is complete")
          .doesNotContain("<button");
      assertThat(post(session.getUrl() + "/pay").statusCode()).isEqualTo(409);
      assertThat(emulator.charges()).hasSize(1);
    }
  }

  @Test
  void cancelOnThePageReturnsToTheSiteAndChargesNothing() throws Exception {
    Session session = checkout("usd", 5_000L);

    HttpResponse<String> cancelled = post(session.getUrl() + "/cancel");

    assertThat(cancelled.statusCode()).isEqualTo(303);
    assertThat(cancelled.headers().firstValue("Location"))
        .hasValue("https://wallet.example/billing?topup=cancelled");
    assertThat(emulator.charges()).isEmpty();
    assertThat(emulator.events()).isEmpty();
    // As on Stripe, the customer may come back to it until it expires.
    assertThat(emulator.checkoutSession(session.getId()).orElseThrow())
        .containsEntry("status", "open");
  }

  @Test
  void anExpiredSessionsPageSaysSoAndCannotBePaid() throws Exception {
    Session session = checkout("usd", 5_000L);
    emulator.expireCheckout(session.getId());

    assertThat(get(session.getUrl(), "text/html").body())
        .contains("This checkout session has expired")
        .doesNotContain("<button");
    assertThat(post(session.getUrl() + "/pay").statusCode()).isEqualTo(409);
    assertThat(emulator.charges()).isEmpty();
    assertThat(
            get(emulator.apiBase() + "/_emulator/checkout/cs_test_none", "text/html").statusCode())
        .isEqualTo(404);
  }

  // --- the stand-in Stripe.js

  @Test
  void theStandInStripeJsIsServedAsJavaScriptToAnyOrigin() throws Exception {
    HttpResponse<String> script = get(emulator.stripeJsUrl(), "*/*");

    assertThat(emulator.stripeJsUrl()).isEqualTo(emulator.apiBase() + "/v3/");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(script.body())
        .contains(
            "Stripe emulator - test mode",
            "window.Stripe = function (publishableKey)",
            "confirmCardPayment: function (clientSecret, data)",
            "handleNextAction: function (options)",
            "var API = \"" + emulator.apiBase() + "\";",
            "/confirm_with_client_secret");
  }

  @Test
  void confirmingWithTheClientSecretAuthenticatesThePaymentIntent() throws Exception {
    try (WebhookReceiver hook = new WebhookReceiver(emulator)) {
      PaymentIntent pi = needingAuthentication();
      String confirm = confirmUrl(pi.getId());

      HttpResponse<String> wrong =
          post(confirm, "client_secret=" + pi.getId() + "_secret_wrong&key=pk_test_page");
      assertThat(wrong.statusCode()).isEqualTo(400);
      assertThat(wrong.body()).contains("\"payment_intent_invalid_parameter\"");
      assertThat(wrong.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(emulator.paymentIntent(pi.getId()).orElseThrow())
          .containsEntry("status", "requires_action");
      assertThat(emulator.charges()).isEmpty();
      HttpResponse<String> secretKey =
          post(confirm, "client_secret=" + pi.getClientSecret() + "&key=sk_test_page");
      assertThat(secretKey.statusCode()).isEqualTo(401);
      assertThat(emulator.charges()).isEmpty();

      HttpResponse<String> right =
          post(confirm, "client_secret=" + pi.getClientSecret() + "&key=pk_test_page");

      assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
      assertThat(right.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(right.body())
          .contains("\"id\":\"" + pi.getId() + "\"", "\"status\":\"succeeded\"");
      assertThat(emulator.charges())
          .singleElement()
          .satisfies(c -> assertThat(c.paymentIntent()).isEqualTo(pi.getId()));
      Event event = hook.await("payment_intent.succeeded");
      PaymentIntent sent =
          (PaymentIntent) event.getDataObjectDeserializer().getObject().orElseThrow();
      assertThat(sent.getId()).isEqualTo(pi.getId());
      assertThat(sent.getStatus()).isEqualTo("succeeded");
    }
  }

  @Test
  void aBrowserMayCallTheConfirmationFromAnotherOrigin() throws Exception {
    PaymentIntent pi = needingAuthentication();

    HttpResponse<String> preflight =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(confirmUrl(pi.getId())))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://127.0.0.1:8080")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValue("POST, OPTIONS");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("Content-Type");
    assertThat(emulator.charges()).isEmpty();
  }

  @Test
  void anOwnerWhoFailsAuthenticationGetsStripesErrorAndIsNotCharged() throws Exception {
    try (WebhookReceiver hook = new WebhookReceiver(emulator)) {
      PaymentIntent pi = needingAuthentication();
      emulator.refuseAuthentication(pi.getId());

      HttpResponse<String> refused =
          post(
              confirmUrl(pi.getId()),
              "client_secret=" + pi.getClientSecret() + "&key=pk_test_page");

      assertThat(refused.statusCode()).isEqualTo(402);
      assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(refused.body())
          .contains(
              "\"type\":\"invalid_request_error\"",
              "\"code\":\"payment_intent_authentication_failure\"",
              "\"message\":\"We are unable to authenticate your payment method.");
      assertThat(emulator.charges()).isEmpty();
      assertThat(emulator.paymentIntent(pi.getId()).orElseThrow())
          .containsEntry("status", "requires_payment_method");
      PaymentIntent sent =
          (PaymentIntent)
              hook.await("payment_intent.payment_failed")
                  .getDataObjectDeserializer()
                  .getObject()
                  .orElseThrow();
      assertThat(sent.getLastPaymentError().getCode())
          .isEqualTo("payment_intent_authentication_failure");
    }
  }

  private StripeClient client(int retries) {
    return StripeClient.builder()
        .setApiKey("sk_test_emulator")
        .setApiBase(emulator.apiBase())
        .setMaxNetworkRetries(retries)
        .setConnectTimeout(2000)
        .setReadTimeout(5000)
        .build();
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A top-up as the wallet API starts one: API credits, back to the billing page. */
  private Session checkout(String currency, long amount) throws Exception {
    return stripe
        .v1()
        .checkout()
        .sessions()
        .create(
            SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl(
                    "https://wallet.example/billing?topup=success&session={CHECKOUT_SESSION_ID}")
                .setCancelUrl("https://wallet.example/billing?topup=cancelled")
                .putMetadata("account_id", "acct_1")
                .addLineItem(
                    SessionCreateParams.LineItem.builder()
                        .setQuantity(1L)
                        .setPriceData(
                            SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(currency)
                                .setUnitAmount(amount)
                                .setProductData(
                                    SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName("API credits")
                                        .build())
                                .build())
                        .build())
                .build());
  }

  /** An on-session payment whose bank asks the owner to authenticate. */
  private PaymentIntent needingAuthentication() throws Exception {
    String customer = emulator.createCustomer("a@example.com");
    PaymentIntent pi =
        stripe
            .v1()
            .paymentIntents()
            .create(
                PaymentIntentCreateParams.builder()
                    .setAmount(5_000L)
                    .setCurrency("usd")
                    .setCustomer(customer)
                    .setPaymentMethod("pm_card_authenticationRequired")
                    .setConfirm(true)
                    .putMetadata("account_id", "acct_1")
                    .build());
    assertThat(pi.getStatus()).isEqualTo("requires_action");
    return pi;
  }

  private String confirmUrl(String paymentIntent) {
    return emulator.apiBase()
        + "/_emulator/payment_intents/"
        + paymentIntent
        + "/confirm_with_client_secret";
  }

  private static HttpResponse<String> get(String url, String accept) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** As a browser posts a form (or Stripe.js its call). */
  private static HttpResponse<String> post(String url, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", "http://127.0.0.1:8080")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url) throws Exception {
    return post(url, "");
  }

  /** A webhook endpoint: keeps what the emulator sends, and checks Stripe's signature on it. */
  private static final class WebhookReceiver implements AutoCloseable {

    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookReceiver(StripeEmulator emulator) throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/hook",
          exchange -> {
            received.add(
                new String[] {
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                  exchange.getRequestHeaders().getFirst("Stripe-Signature")
                });
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      server.start();
      emulator.webhook("http://127.0.0.1:" + server.getAddress().getPort() + "/hook", "whsec_test");
    }

    /** The first event of {@code type}, its signature verified. */
    Event await(String type) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        for (String[] r : received) {
          Event event = Webhook.constructEvent(r[0], r[1], "whsec_test", 300);
          if (event.getType().equals(type)) {
            return event;
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no " + type + " event reached the webhook");
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static PaymentIntentCreateParams charge(String customer, String pm, long amount) {
    return PaymentIntentCreateParams.builder()
        .setAmount(amount)
        .setCurrency("usd")
        .setCustomer(customer)
        .setPaymentMethod(pm)
        .setOffSession(true)
        .setConfirm(true)
        .putMetadata("account_id", "acct_1")
        .putMetadata("attempt_id", "tpa_1")
        .build();
  }

  private static RequestOptions key(String key) {
    return RequestOptions.builder().setIdempotencyKey(key).build();
  }
}
