package dev.walletworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.mail.MailKind;
import dev.walletworker.mail.MailRenderer;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.Await;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.ApiNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe's Checkout webhooks over real HTTP, signed as Stripe signs them: only top-ups the wallet
 * API started are credited, with the amount and bonus quoted then and in the wallet's currency;
 * every other paid session is acknowledged (so Stripe stops retrying), credits nothing, and waits
 * for a person as a payment review.
 */
class StripeWebhookIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String SECRET = "whsec_webhook_test";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static StripeEmulator stripe;
  private static ConfigurableApplicationContext app;
  private static String base;

  private final Accounts accounts = new Accounts(db.database(), Clock.systemUTC());
  private final Ledger ledger = new Ledger(db.database(), Clock.systemUTC());
  private final ApiKeys keys = new ApiKeys(db.database(), Clock.systemUTC());

  @BeforeAll
  static void start() {
    stripe = StripeEmulator.start(0);
    app =
        ApiNode.start(
            db,
            "--wallet.stripe.api-key=sk_test_webhooks",
            "--wallet.stripe.api-base=" + stripe.apiBase(),
            "--wallet.stripe.webhook-secret=" + SECRET);
    base = ApiNode.base(app);
    stripe.webhook(base + "/v1/webhooks/stripe", SECRET);
  }

  @AfterAll
  static void stop() {
    app.close();
    stripe.close();
  }

  // --- currency (issue: a payment in another currency credited at face value)

  @ParameterizedTest(name = "{1} {0} for a 25.00 USD top-up")
  @CsvSource({"2500, eur", "2500, jpy", "2500, usd_but_250"})
  void aSessionPaidInAnotherCurrencyOrAmountCreditsNothingAndWaitsForAPerson(
      long minor, String currency) throws Exception {
    String account = account("USD");
    String session = topUp(account, "25.00");
    Map<String, Object> paid = paid(session);
    if (currency.equals("usd_but_250")) {
      paid.put("amount_total", 25_000L);
    } else {
      paid.put("currency", currency);
      paid.put("amount_total", minor);
    }

    HttpResponse<String> answer = deliver("checkout.session.completed", paid);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"result\":\"needs_review\"");
    assertThat(ledger.balance(account)).isZero();
    assertThat(checkoutStatus(session)).isEqualTo("needs_review");
    assertThat(review(session))
        .containsEntry(
            "reason", currency.equals("usd_but_250") ? "amount_mismatch" : "currency_mismatch")
        .containsEntry("account_id", account);
    assertThat(mailKinds(account)).isEmpty();
  }

  @Test
  void aEuroWalletDoesNotAcceptADollarSession() throws Exception {
    String account = account("EUR");
    String session = topUp(account, "25.00");
    assertThat(stripe.checkoutSession(session).orElseThrow()).containsEntry("currency", "eur");
    Map<String, Object> paid = paid(session);
    paid.put("currency", "usd");

    HttpResponse<String> answer = deliver("checkout.session.completed", paid);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(ledger.balance(account)).isZero();
    assertThat(review(session)).containsEntry("reason", "currency_mismatch");
  }

  @Test
  void aEuroWalletTopsUpInEurosWithItsBonusAndAEuroReceipt() throws Exception {
    String account = account("EUR");
    String session = topUp(account, "100.00");
    assertThat(stripe.checkoutSession(session).orElseThrow())
        .containsEntry("currency", "eur")
        .containsEntry("amount_total", 10_000L);

    stripe.completeCheckout(session);

    await(() -> ledger.balance(account).compareTo(new BigDecimal("110.00")) == 0);
    assertThat(checkoutStatus(session)).isEqualTo("credited");
    await(() -> mailKinds(account).contains("topup_receipt"));
    var receipt =
        new MailRenderer("https://dashboard.example.com")
            .render(
                MailKind.TOPUP_RECEIPT,
                account,
                "owner@example.com",
                "Ada",
                payload(account, "topup_receipt"));
    assertThat(receipt.subject()).contains("€100.00");
    assertThat(receipt.text()).contains("€10.00").doesNotContain("$");
  }

  /**
   * Adaptive Pricing shows a $25.00 top-up to a buyer in Japan as ¥3,750. Older API versions report
   * the session in yen with the dollars in currency_conversion; newer ones keep the dollars and put
   * the yen in presentment_details. Either way the wallet gets $25.00, not ¥3,750 at face value.
   */
  @ParameterizedTest(name = "legacy format: {0}")
  @CsvSource({"true", "false"})
  void aSessionPresentedInTheBuyersCurrencyIsCreditedInTheWalletsCurrency(boolean legacy)
      throws Exception {
    String account = account("USD");
    String session = topUp(account, "25.00");

    stripe.completeCheckoutPresentedIn(session, "jpy", 3_750, legacy);

    await(() -> ledger.balance(account).compareTo(new BigDecimal("25.00")) == 0);
    assertThat(checkoutStatus(session)).isEqualTo("credited");
    assertThat(openReviews()).isZero();
    Thread.sleep(300);
    assertThat(ledger.balance(account)).isEqualByComparingTo("25.00");
  }

  // --- sessions this worker never started (credit only what the top-up API created)

  @ParameterizedTest(name = "metadata {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "kind=subscription",
        "(account only)",
        "kind=checkout_topup",
        "kind=checkout_topup,topup_id=ctu_aaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void aPaidSessionThisWorkerNeverStartedCreditsNothingAndIsReviewed(String metadata)
      throws Exception {
    String account = account("USD");
    Map<String, Object> session = foreignSession(account, metadata);

    HttpResponse<String> answer = deliver("checkout.session.completed", session);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("needs_review");
    assertThat(ledger.balance(account)).isZero();
    assertThat(review((String) session.get("id")))
        .containsEntry("reason", "unknown_session")
        .containsEntry("account_id", account);
  }

  @Test
  void aPaidSessionNamingNothingOfOursIsAcknowledgedAndIgnored() throws Exception {
    Map<String, Object> session = foreignSession(null, "(nothing)");

    HttpResponse<String> answer = deliver("checkout.session.completed", session);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"result\":\"ignored\"");
    assertThat(openReviews()).isZero();
  }

  // --- a second completion that disagrees (was 422 reference_conflict, retried for days)

  @Test
  void aSecondCompletionWithAnotherAmountIsAcknowledgedCreditsNothingAndIsReviewed()
      throws Exception {
    String account = account("USD");
    String session = topUp(account, "25.00");
    stripe.completeCheckout(session);
    await(() -> ledger.balance(account).compareTo(new BigDecimal("25.00")) == 0);
    Map<String, Object> again = paid(session);
    again.put("amount_total", 49_900L);

    HttpResponse<String> answer = deliver("checkout.session.completed", again);
    HttpResponse<String> same = deliver("checkout.session.completed", paid(session));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("needs_review");
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(same.body()).contains("duplicate");
    assertThat(ledger.balance(account)).isEqualByComparingTo("25.00");
    assertThat(review(session)).containsEntry("reason", "session_conflict");
  }

  @Test
  void anExpiredSessionIsMarkedExpiredAndCreditsNothing() throws Exception {
    String account = account("USD");
    String session = topUp(account, "25.00");

    stripe.expireCheckout(session);

    await(() -> "expired".equals(checkoutStatus(session)));
    assertThat(ledger.balance(account)).isZero();
  }

  // --- helpers

  private String account(String currency) {
    return accounts.create("owner@example.com", "Ada", currency).account().id();
  }

  /** Starts a Checkout top-up through the wallet API; returns the session's id. */
  private String topUp(String account, String amount) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/wallet/top-up"))
                .header("Authorization", "Bearer " + keys.issue(account))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": " + amount + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().replaceAll(".*/checkout/(cs_test_\\w+)\".*", "$1");
  }

  /** The emulator's session as Stripe would send it once paid. */
  private static Map<String, Object> paid(String session) {
    Map<String, Object> object =
        new LinkedHashMap<>(
            JSON.readValue(
                JSON.writeValueAsString(stripe.checkoutSession(session).orElseThrow()), Map.class));
    object.put("status", "complete");
    object.put("payment_status", "paid");
    return object;
  }

  private static Map<String, Object> foreignSession(String account, String metadata) {
    Map<String, String> meta = new HashMap<>();
    if (account != null) {
      meta.put("account_id", account);
    }
    if (metadata.contains("=")) {
      for (String pair : metadata.split(",")) {
        meta.put(pair.split("=")[0], pair.split("=")[1]);
      }
    }
    Map<String, Object> session = new LinkedHashMap<>();
    session.put("id", "cs_test_foreign" + System.nanoTime());
    session.put("object", "checkout.session");
    session.put("mode", "payment");
    session.put("status", "complete");
    session.put("payment_status", "paid");
    session.put("amount_total", 10_000L);
    session.put("currency", "usd");
    session.put("metadata", meta);
    return session;
  }

  private static HttpResponse<String> deliver(String type, Map<String, Object> object)
      throws Exception {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", "evt_test" + System.nanoTime());
    event.put("object", "event");
    event.put("api_version", "2026-07-29.dahlia");
    event.put("created", System.currentTimeMillis() / 1000);
    event.put("type", type);
    event.put("data", Map.of("object", object));
    String payload = JSON.writeValueAsString(event);
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + "/v1/webhooks/stripe"))
            .header("Content-Type", "application/json")
            .header(
                "Stripe-Signature",
                StripeEmulator.signature(payload, System.currentTimeMillis() / 1000, SECRET))
            .POST(HttpRequest.BodyPublishers.ofString(payload))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String checkoutStatus(String session) {
    return db.jdbc()
        .sql("SELECT status FROM checkout_topups WHERE session_id = ?")
        .param(session)
        .query(String.class)
        .single();
  }

  private Map<String, Object> review(String stripeObject) {
    return db.jdbc()
        .sql("SELECT * FROM payment_reviews WHERE stripe_object_id = ?")
        .param(stripeObject)
        .query()
        .singleRow();
  }

  private long openReviews() {
    return db.jdbc()
        .sql("SELECT count(*) FROM payment_reviews WHERE resolved_at IS NULL")
        .query(Long.class)
        .single();
  }

  private List<String> mailKinds(String account) {
    return db.jdbc()
        .sql("SELECT kind FROM mail_outbox WHERE account_id = ? ORDER BY id")
        .param(account)
        .query(String.class)
        .list();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> payload(String account, String kind) {
    return JSON.readValue(
        db.jdbc()
            .sql("SELECT payload::text FROM mail_outbox WHERE account_id = ? AND kind = ?")
            .params(account, kind)
            .query(String.class)
            .single(),
        Map.class);
  }

  private static void await(BooleanSupplier condition) {
    Await.until(condition, Duration.ofSeconds(10), "condition");
  }
}
