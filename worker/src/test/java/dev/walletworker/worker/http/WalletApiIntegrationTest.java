package dev.walletworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.ApiNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The wallet API over real HTTP, served by the daemon's application (jobs not started). */
class WalletApiIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static StripeEmulator stripe;
  private static ConfigurableApplicationContext app;
  private static String base;

  private final Accounts accounts = new Accounts(db.database(), Clock.systemUTC());
  private final Ledger ledger = new Ledger(db.database(), Clock.systemUTC());
  private final ApiKeys keys = new ApiKeys(db.database(), Clock.systemUTC());
  private String account;
  private String key;

  @BeforeAll
  static void start() {
    stripe = StripeEmulator.start(0);
    app =
        ApiNode.start(
            db,
            "--wallet.stripe.api-key=sk_test_api",
            "--wallet.stripe.api-base=" + stripe.apiBase(),
            "--wallet.stripe.webhook-secret=whsec_api_test");
    base = ApiNode.base(app);
    stripe.webhook(base + "/v1/webhooks/stripe", "whsec_api_test");
  }

  @AfterAll
  static void stop() {
    app.close();
    stripe.close();
  }

  @BeforeEach
  void givenAnAccountWithAKey() {
    account = accounts.create("owner@example.com", "Ada", null).account().id();
    key = keys.issue(account);
  }

  // --- the documented examples, verbatim

  @Test
  void balance() throws Exception {
    ledger.credit(account, new BigDecimal("25.50"), TransactionType.TOPUP, null, null);

    var response = get("/v1/wallet/balance", key);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("{\"balance\":25.50,\"currency\":\"USD\",\"available\":25.50,\"held\":0.00}");
  }

  @Test
  void topUpThroughCheckoutIsCreditedWithItsBonusWhenStripeSaysItIsPaid() throws Exception {
    var response = send("POST", "/v1/wallet/top-up", key, "{\"amount\": 100.00}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .matches(
            "\\{\"checkout_url\":\"http://127\\.0\\.0\\.1:\\d+/_emulator/checkout/cs_test_\\w+\",\"amount\":100\\.00,\"currency\":\"USD\"}");
    String session = response.body().replaceAll(".*/checkout/(cs_test_\\w+)\".*", "$1");
    assertThat(ledger.balance(account)).isZero();

    stripe.completeCheckout(session);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ledger.balance(account).signum() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ledger.balance(account)).isEqualByComparingTo("110.00");
    assertThat(get("/v1/wallet/balance", key).body())
        .isEqualTo("{\"balance\":110.00,\"currency\":\"USD\",\"available\":110.00,\"held\":0.00}");
  }

  @Test
  void transactionsNewestFirstWithPaging() throws Exception {
    ledger.credit(account, new BigDecimal("25.00"), TransactionType.TOPUP, null, null);
    ledger.credit(account, new BigDecimal("25.00"), TransactionType.TOPUP, null, null);
    ledger.debitUsage(account, new BigDecimal("0.15"), null, null);

    var first = get("/v1/wallet/transactions?limit=2", key);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body())
        .matches(
            "\\{\"transactions\":\\[\\{\"id\":\"txn_\\w{24}\",\"type\":\"usage\",\"amount\":-0\\.15,\"balance_after\":49\\.85,"
                + "\"created_at\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\",\"description\":\"API usage\"},"
                + "\\{\"id\":\"txn_\\w{24}\",\"type\":\"topup\",\"amount\":25\\.00,\"balance_after\":50\\.00,"
                + "\"created_at\":\"[^\"]+\",\"description\":\"Credit top-up\"}],\"has_more\":true}");
    String last = first.body().replaceAll(".*\"id\":\"(txn_\\w{24})\",\"type\":\"topup\".*", "$1");
    var rest = get("/v1/wallet/transactions?limit=2&starting_after=" + last, key);
    assertThat(rest.body()).contains("\"balance_after\":25.00").endsWith("\"has_more\":false}");
  }

  @Test
  void settingsReadAndWriteInTheDocumentedShapes() throws Exception {
    assertThat(
            send(
                    "PUT",
                    "/v1/wallet/auto-topup",
                    key,
                    "{\"auto_topup\": {\"enabled\": true, \"threshold\": 5.00, \"amount\": 25.00}}")
                .body())
        .isEqualTo("{\"auto_topup\":{\"enabled\":true,\"threshold\":5.00,\"amount\":25.00}}");
    assertThat(get("/v1/wallet/auto-topup", key).body())
        .isEqualTo("{\"auto_topup\":{\"enabled\":true,\"threshold\":5.00,\"amount\":25.00}}");
    assertThat(
            send(
                    "PUT",
                    "/v1/wallet/spending-limit",
                    key,
                    "{\"spending_limit\": {\"enabled\": true, \"monthly_limit\": 100.00, \"action\": \"block\"}}")
                .body())
        .isEqualTo(
            "{\"spending_limit\":{\"enabled\":true,\"monthly_limit\":100.00,\"action\":\"block\"}}");
    assertThat(get("/v1/wallet/spending-limit", key).body())
        .isEqualTo(
            "{\"spending_limit\":{\"enabled\":true,\"monthly_limit\":100.00,\"action\":\"block\"}}");
    assertThat(
            send(
                    "PUT",
                    "/v1/wallet/low-balance-alert",
                    key,
                    "{\"low_balance_alert\": {\"enabled\": true, \"threshold\": 10.00}}")
                .body())
        .isEqualTo("{\"low_balance_alert\":{\"enabled\":true,\"threshold\":10.00}}");
    assertThat(get("/v1/wallet/low-balance-alert", key).body())
        .isEqualTo("{\"low_balance_alert\":{\"enabled\":true,\"threshold\":10.00}}");
  }

  // --- keys

  @Test
  void oneAccountsKeyNeverReachesAnothersData() throws Exception {
    String other = accounts.create("other@example.com", null, null).account().id();
    String otherKey = keys.issue(other);
    ledger.credit(other, new BigDecimal("99.00"), TransactionType.TOPUP, null, null);
    String otherTxn = ledger.history(other, 1, null).transactions().get(0).id();

    assertThat(get("/v1/wallet/balance", key).body()).contains("\"balance\":0.00");
    assertThat(get("/v1/wallet/balance", otherKey).body()).contains("\"balance\":103.95");
    var cursor = get("/v1/wallet/transactions?starting_after=" + otherTxn, key);
    assertThat(cursor.statusCode()).isEqualTo(422);
    assertThat(cursor.body()).doesNotContain("99.00");
  }

  @Test
  void missingWrongAndRevokedKeysAre401() throws Exception {
    assertThat(get("/v1/wallet/balance", null).statusCode()).isEqualTo(401);
    assertThat(get("/v1/wallet/balance", "ask_" + "x".repeat(40)).statusCode()).isEqualTo(401);
    assertThat(get("/v1/wallet/balance", "Bearer-less").statusCode()).isEqualTo(401);
    String rotated = keys.rotate(account);
    assertThat(get("/v1/wallet/balance", key).statusCode()).isEqualTo(401);
    assertThat(get("/v1/wallet/balance", rotated).statusCode()).isEqualTo(200);
    assertThat(get("/v1/wallet/balance", null).body())
        .isEqualTo(
            "{\"error\":{\"type\":\"authentication_error\",\"message\":\"Missing API key: send Authorization: Bearer ask_…\",\"param\":null}}");
  }

  private static HttpResponse<String> get(String path, String key) throws Exception {
    return send("GET", path, key, null);
  }

  private static HttpResponse<String> send(String method, String path, String key, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (key != null) {
      request.header("Authorization", key.startsWith("ask_") ? "Bearer " + key : key);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
