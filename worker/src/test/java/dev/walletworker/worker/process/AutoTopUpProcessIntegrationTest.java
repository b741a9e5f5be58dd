package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.ApiKeys;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.Reconciliation;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestWallets;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real daemon charging through the Stripe emulator, and receiving its signed webhooks. */
class AutoTopUpProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String SECRET = "whsec_process_test";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private StripeEmulator stripe;
  private DaemonProcess daemon;
  private int apiPort;
  private int smtpPort;

  @BeforeEach
  void start() throws Exception {
    stripe = StripeEmulator.start(0);
    apiPort = DaemonProcess.freePort();
    smtpPort = DaemonProcess.freePort();
    stripe.webhook("http://127.0.0.1:" + apiPort + "/v1/webhooks/stripe", SECRET);
    daemon = DaemonProcess.start("autotopup", target(), env(), apiPort);
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
    stripe.close();
  }

  @Test
  void aDebitBelowTheThresholdIsToppedUpWithinMomentsAndCreditedOnce() throws Exception {
    String account = wallet("pm_card_visa", "100.00");

    long start = System.nanoTime();
    db.jdbc().sql("UPDATE wallets SET balance = 4 WHERE account_id = ?").param(account).update();
    await(() -> balance(account).compareTo(new BigDecimal("114")) == 0);
    Duration reaction = Duration.ofNanos(System.nanoTime() - start);

    assertThat(reaction).isLessThan(Duration.ofSeconds(5));
    assertThat(stripe.charges()).hasSize(1);
    assertThat(daemon.log()).contains("auto top-up succeeded account=" + account);
    Thread.sleep(1000); // the payment_intent.succeeded webhook arrives too, and changes nothing
    assertThat(balance(account)).isEqualByComparingTo("114");
    assertReconciled();
  }

  @Test
  void authenticationCompletedByTheOwnerArrivesByWebhookAndIsCreditedOnce() throws Exception {
    String account = wallet("pm_card_authenticationRequired", "50.00");
    db.jdbc().sql("UPDATE wallets SET balance = 4 WHERE account_id = ?").param(account).update();
    await(() -> "requires_action".equals(attemptStatus(account)));
    String pi =
        db.jdbc().sql("SELECT payment_intent_id FROM topup_attempts").query(String.class).single();

    stripe.authenticate(pi);

    await(() -> "succeeded".equals(attemptStatus(account)));
    assertThat(balance(account)).isEqualByComparingTo("56.50");
    String event =
        stripe.events().stream()
            .filter(e -> e.get("type").equals("payment_intent.succeeded"))
            .map(e -> (String) e.get("id"))
            .reduce((first, last) -> last)
            .orElseThrow();
    assertThat(stripe.deliver(event)).isEqualTo(200); // a duplicate delivery
    assertThat(balance(account)).isEqualByComparingTo("56.50");
    assertReconciled();
  }

  @Test
  void aCompletedCheckoutIsCreditedWithItsBonusOnceHoweverOftenItIsDelivered() throws Exception {
    String account = wallet("pm_card_visa", "25.00");
    String key = new ApiKeys(db.database(), Clock.systemUTC()).issue(account);
    HttpResponse<String> started =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/wallet/top-up"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 100.00}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    String sessionId = started.body().replaceAll(".*/checkout/(cs_test_\\w+)\".*", "$1");

    stripe.completeCheckout(sessionId);
    await(() -> balance(account).compareTo(new BigDecimal("120")) == 0); // 10 + 100 + 10% bonus
    String event =
        stripe.events().stream()
            .filter(e -> e.get("type").equals("checkout.session.completed"))
            .map(e -> (String) e.get("id"))
            .findFirst()
            .orElseThrow();
    stripe.deliver(event);
    stripe.deliver(event);

    assertThat(balance(account)).isEqualByComparingTo("120");
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM wallet_transactions WHERE reference = ?")
                .param(sessionId)
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void forgedStaleAndMalformedWebhooksAreRefusedAndChangeNothing() throws Exception {
    String account = wallet("pm_card_visa", "25.00");
    String payload =
        "{\"id\":\"evt_forged\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"api_version\":\"2026-07-29.dahlia\","
            + "\"created\":1,\"data\":{\"object\":{\"id\":\"cs_forged\",\"object\":\"checkout.session\",\"amount_total\":49900,"
            + "\"currency\":\"usd\",\"payment_status\":\"paid\",\"metadata\":{\"account_id\":\""
            + account
            + "\"}}}}";
    long now = System.currentTimeMillis() / 1000;
    String before = snapshot();

    assertThat(post(payload, StripeEmulator.signature(payload, now, "whsec_wrong"))).isEqualTo(400);
    assertThat(post(payload, StripeEmulator.signature(payload, now - 3600, SECRET))).isEqualTo(400);
    assertThat(post(payload, null)).isEqualTo(400);
    assertThat(post("not json", StripeEmulator.signature("not json", now, SECRET))).isEqualTo(400);
    assertThat(post(payload.replace("49900", "1"), StripeEmulator.signature(payload, now, SECRET)))
        .isEqualTo(400);

    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aDaemonKilledBetweenTheStripeCallAndTheRecordChargesOnceAndCreditsOnceAfterARestart()
      throws Exception {
    daemon.close();
    Map<String, String> env = env();
    env.put("STRIPE_READ_TIMEOUT", "5s");
    env.put("STRIPE_NETWORK_RETRIES", "0");
    env.put("AUTO_TOPUP_CRON", "* * * * * ?");
    daemon = DaemonProcess.start("kill-1", target(), env, apiPort);
    String account = wallet("pm_card_visa", "100.00");
    stripe.faults().latency(Duration.ofSeconds(2)); // the request is in flight for two seconds

    int before = stripe.apiRequests();
    db.jdbc().sql("UPDATE wallets SET balance = 4 WHERE account_id = ?").param(account).update();
    await(() -> stripe.apiRequests() > before); // the charge request has reached Stripe
    daemon.kill(); // mid-request: Stripe will charge, nobody will record it
    await(() -> stripe.charges().size() == 1);
    assertThat(attemptStatus(account)).isEqualTo("pending");
    assertThat(balance(account)).isEqualByComparingTo("4");

    stripe.faults().latency(Duration.ZERO);
    daemon = DaemonProcess.start("kill-2", target(), env, apiPort);
    await(() -> "succeeded".equals(attemptStatus(account)));

    assertThat(stripe.charges()).hasSize(1);
    assertThat(balance(account)).isEqualByComparingTo("114");
    assertReconciled();
  }

  @Test
  void twoDaemonsRacingTheSameWalletsChargeEachCrossingOnce() throws Exception {
    Map<String, String> env = env();
    env.put("AUTO_TOPUP_CRON", "* * * * * ?");
    try (DaemonProcess second = DaemonProcess.start("autotopup-2", target(), env)) {
      List<String> wallets = new java.util.ArrayList<>();
      for (int i = 0; i < 30; i++) {
        wallets.add(wallet("pm_card_visa", "25.00"));
      }
      db.jdbc()
          .sql("UPDATE wallets SET balance = 1 WHERE account_id IN (:ids)")
          .param("ids", wallets)
          .update();

      await(() -> stripe.charges().size() >= 30);
      Thread.sleep(3000);

      assertThat(stripe.charges()).hasSize(30);
      assertThat(stripe.charges().stream().map(c -> c.metadata().get("account_id")).distinct())
          .hasSize(30);
      for (String account : wallets) {
        assertThat(balance(account)).isEqualByComparingTo("26");
      }
      assertReconciled();
    }
  }

  // --- helpers

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("STRIPE_API_KEY", "sk_test_process");
    env.put("STRIPE_API_BASE", stripe.apiBase());
    env.put("STRIPE_WEBHOOK_SECRET", SECRET);
    env.put("AUTO_TOPUP_CRON", "0 0 0 1 1 ? 2099"); // wake-ups and webhooks only
    env.put("SMTP_PORT", Integer.toString(smtpPort));
    return env;
  }

  private static DaemonProcess.Target target() {
    return new DaemonProcess.Target(db.jdbcUrl(), db.username(), db.password());
  }

  private int wallets;

  private String wallet(String pm, String amount) {
    String id = TestWallets.accountId(++wallets);
    return TestWallets.wallet(id)
        .balance(10)
        .autoTopUp(5, amount, stripe.createCustomer(id + "@example.com"), pm)
        .insert(db.jdbc());
  }

  private BigDecimal balance(String account) {
    return db.jdbc()
        .sql("SELECT balance FROM wallets WHERE account_id = ?")
        .param(account)
        .query(BigDecimal.class)
        .single();
  }

  private String attemptStatus(String account) {
    return db.jdbc()
        .sql("SELECT status FROM topup_attempts WHERE account_id = ?")
        .param(account)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  private String snapshot() {
    return db.jdbc()
            .sql("SELECT string_agg(w::text, '|') FROM wallets w")
            .query(String.class)
            .single()
        + db.jdbc().sql("SELECT count(*) FROM wallet_transactions").query(String.class).single()
        + db.jdbc().sql("SELECT count(*) FROM stripe_events").query(String.class).single();
  }

  private int post(String payload, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + daemon.apiPort + "/v1/webhooks/stripe"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload));
    if (signature != null) {
      request.header("Stripe-Signature", signature);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private void assertReconciled() {
    Reconciliation.assertReconciled(stripe, db.jdbc());
  }

  private void await(BooleanSupplier condition) throws InterruptedException {
    Await.await(condition, Duration.ofSeconds(30), daemon);
  }
}
