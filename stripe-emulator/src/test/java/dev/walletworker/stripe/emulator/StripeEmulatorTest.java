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

  private StripeClient client(int retries) {
    return StripeClient.builder()
        .setApiKey("sk_test_emulator")
        .setApiBase(emulator.apiBase())
        .setMaxNetworkRetries(retries)
        .setConnectTimeout(2000)
        .setReadTimeout(5000)
        .build();
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
