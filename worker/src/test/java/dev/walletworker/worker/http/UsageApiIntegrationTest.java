package dev.walletworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.ApiKeys;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMetering;
import dev.walletworker.worker.ApiNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The metering API over real HTTP with service keys, served by an API node. */
class UsageApiIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static ConfigurableApplicationContext app;
  private static String base;

  private final Clock clock = Clock.systemUTC();
  private final Ledger ledger = new Ledger(db.database(), clock);
  private String account;
  private String serviceKey;

  @BeforeAll
  static void start() {
    app =
        ApiNode.start(
            db, "--wallet.metering.max-events=5", "--wallet.metering.max-body-bytes=4096");
    base = ApiNode.base(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void givenAWalletAPriceAndAServiceKey() {
    TestMetering given =
        TestMetering.given(db.database(), clock, "assisters-chat-v1", "0.50", "1.50");
    account = given.account();
    serviceKey = given.serviceKey();
  }

  @Test
  void aBatchGetsOneResultPerEventInOrder() throws Exception {
    String body =
        """
        {"events": [
          {"id": "req_1", "account_id": "%s", "model": "assisters-chat-v1",
           "input_tokens": 1200, "output_tokens": 350},
          {"id": "req_2", "account_id": "%s", "amount": 0.25, "description": "Image generation"},
          {"id": "req_1", "account_id": "%s", "model": "assisters-chat-v1",
           "input_tokens": 1200, "output_tokens": 350},
          {"id": "req_3", "account_id": "acct_doesnotexist00", "amount": 1.00},
          {"id": "req_4", "account_id": "%s", "model": "assisters-chat-v1", "input_tokens": -1,
           "output_tokens": 3}
        ]}
        """
            .formatted(account, account, account, account);

    HttpResponse<String> response = post("/v1/usage", serviceKey, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode results = JSON.readTree(response.body()).get("results");
    assertThat(results).hasSize(5);
    assertThat(results.get(0).get("status").asString()).isEqualTo("posted");
    assertThat(results.get(0).get("amount").decimalValue()).isEqualByComparingTo("0.001125");
    assertThat(results.get(0).get("balance_after").decimalValue()).isEqualByComparingTo("9.998875");
    assertThat(results.get(0).get("transaction_id").asString()).startsWith("txn_");
    assertThat(results.get(0).get("error").isNull()).isTrue();
    assertThat(results.get(1).get("status").asString()).isEqualTo("posted");
    assertThat(results.get(2).get("status").asString()).isEqualTo("duplicate");
    assertThat(results.get(2).get("transaction_id").asString())
        .isEqualTo(results.get(0).get("transaction_id").asString());
    assertThat(results.get(3).get("status").asString()).isEqualTo("account_not_found");
    assertThat(results.get(4).get("status").asString()).isEqualTo("invalid");
    assertThat(results.get(4).get("error").get("param").asString()).isEqualTo("input_tokens");
    assertThat(ledger.balance(account)).isEqualByComparingTo("9.748875");
    assertThat(
            db.jdbc()
                .sql("SELECT description FROM wallet_transactions WHERE reference = 'req_1'")
                .query(String.class)
                .single())
        .isEqualTo("API usage - assisters-chat-v1");
  }

  @Test
  void aNumberWithAnExponentRefusesItsEventOnly() throws Exception {
    String body =
        """
        {"events": [
          {"id": "req_e", "account_id": "%s", "amount": 1e309},
          {"id": "req_t", "account_id": "%s", "model": "assisters-chat-v1",
           "input_tokens": 1.2e3, "output_tokens": 350},
          {"id": "req_ok", "account_id": "%s", "amount": 0.25}
        ]}
        """
            .formatted(account, account, account);

    HttpResponse<String> response = post("/v1/usage", serviceKey, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode results = JSON.readTree(response.body()).get("results");
    assertThat(results.get(0).get("status").asString()).isEqualTo("invalid");
    assertThat(results.get(0).get("error").get("param").asString()).isEqualTo("amount");
    assertThat(results.get(0).get("error").get("message").asString()).contains("exponent");
    assertThat(results.get(1).get("status").asString()).isEqualTo("invalid");
    assertThat(results.get(1).get("error").get("param").asString()).isEqualTo("input_tokens");
    assertThat(results.get(2).get("status").asString()).isEqualTo("posted");
    assertThat(ledger.balance(account)).isEqualByComparingTo("9.75");
  }

  @Test
  void theGatewaysPreCheckReadsBalanceAndStatus() throws Exception {
    HttpResponse<String> response = get("/v1/accounts/" + account + "/balance", serviceKey);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            "{\"account_id\":\""
                + account
                + "\",\"balance\":10.00,\"available\":10.00,\"held\":0.00,\"currency\":\"USD\",\"status\":\"active\","
                + "\"blocked_reason\":null}");
    assertThat(get("/v1/accounts/acct_doesnotexist00/balance", serviceKey).statusCode())
        .isEqualTo(404);
  }

  @Test
  void eachKeyOnlyWhereItBelongs() throws Exception {
    String ownerKey = new ApiKeys(db.database(), clock).issue(account);
    String body =
        "{\"events\": [{\"id\": \"r\", \"account_id\": \"" + account + "\", \"amount\": 1}]}";

    HttpResponse<String> owner = post("/v1/usage", ownerKey, body);
    assertThat(owner.statusCode()).isEqualTo(403);
    assertThat(owner.body()).contains("service key");
    assertThat(get("/v1/accounts/" + account + "/balance", ownerKey).statusCode()).isEqualTo(403);
    assertThat(get("/v1/wallet/balance", serviceKey).statusCode()).isEqualTo(403);
    assertThat(post("/v1/usage", null, body).statusCode()).isEqualTo(401);
    assertThat(post("/v1/usage", "wsk_" + "x".repeat(40), body).statusCode()).isEqualTo(401);
    assertThat(ledger.balance(account)).isEqualByComparingTo("10.00");
  }

  @Test
  void aRevokedKeyIsRefusedWithinASecond() throws Exception {
    String body =
        "{\"events\": [{\"id\": \"r1\", \"account_id\": \"" + account + "\", \"amount\": 1}]}";
    assertThat(post("/v1/usage", serviceKey, body).statusCode()).isEqualTo(200);

    new ServiceKeys(db.database(), clock).revoke("gateway-test");
    Thread.sleep(1_100);

    HttpResponse<String> refused = post("/v1/usage", serviceKey, body.replace("r1", "r2"));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(ledger.balance(account)).isEqualByComparingTo("9.00");
  }

  @Test
  void requestLevelErrorsPostNothing() throws Exception {
    String event = "{\"id\": \"r\", \"account_id\": \"" + account + "\", \"amount\": 1}";
    assertThat(post("/v1/usage", serviceKey, "{\"events\": [").statusCode()).isEqualTo(400);
    assertThat(post("/v1/usage", serviceKey, "[]").statusCode()).isEqualTo(400);
    assertThat(post("/v1/usage", serviceKey, "{}").statusCode()).isEqualTo(400);
    assertThat(post("/v1/usage", serviceKey, "{\"events\": []}").statusCode()).isEqualTo(400);
    assertThat(post("/v1/usage", serviceKey, "{\"events\": {}}").statusCode()).isEqualTo(400);
    assertThat(
            post("/v1/usage", serviceKey, "{\"events\": [" + (event + ",").repeat(5) + event + "]}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            post(
                    "/v1/usage",
                    serviceKey,
                    "{\"events\": [" + event + "], \"pad\": \"" + "x".repeat(5000) + "\"}")
                .statusCode())
        .isEqualTo(413);
    assertThat(ledger.balance(account)).isEqualByComparingTo("10.00");
  }

  @Test
  void onlyPostIsServedAndTheKeyIsCheckedFirst() throws Exception {
    HttpResponse<String> withKey = get("/v1/usage", serviceKey);
    assertThat(withKey.statusCode()).isEqualTo(405);
    assertThat(withKey.headers().firstValue("Allow")).hasValue("POST");
    assertThat(JSON.readTree(withKey.body()).get("error").get("type").asString())
        .isEqualTo("method_not_allowed");
    HttpResponse<String> options =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/usage"))
                .header("Authorization", "Bearer " + serviceKey)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(options.statusCode()).isEqualTo(200);
    assertThat(options.headers().firstValue("Allow")).hasValue("POST,OPTIONS");
    HttpResponse<String> withoutKey = get("/v1/usage", null);
    assertThat(withoutKey.statusCode()).isEqualTo(401);
    assertThat(withoutKey.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(JSON.readTree(withoutKey.body()).get("error").get("type").asString())
        .isEqualTo("authentication_error");
  }

  @Test
  void aBodyThatIsNotJsonIsRefusedWith415() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/usage"))
                .header("Authorization", "Bearer " + serviceKey)
                .header("Content-Type", "text/plain")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"events\": [{\"id\": \"r\", \"account_id\": \""
                            + account
                            + "\", \"amount\": 1}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(JSON.readTree(response.body()).get("error").get("type").asString())
        .isEqualTo("unsupported_media_type");
    assertThat(ledger.balance(account)).isEqualByComparingTo("10.00");
  }

  @Test
  void requestsAndEventResultsAreCountedForOperators() throws Exception {
    MeterRegistry metrics = app.getBean(MeterRegistry.class);
    double posted = count(metrics, "posted");
    double invalid = count(metrics, "invalid");
    long refused = timed(metrics, "POST /v1/usage", "400", 0);
    String body =
        """
        {"events": [
          {"id": "m1", "account_id": "%s", "amount": 0.25},
          {"id": "m2", "account_id": "%s", "amount": -1}
        ]}
        """
            .formatted(account, account);

    assertThat(post("/v1/usage", serviceKey, body).statusCode()).isEqualTo(200);
    assertThat(post("/v1/usage", serviceKey, "{}").statusCode()).isEqualTo(400);

    assertThat(count(metrics, "posted")).isEqualTo(posted + 1);
    assertThat(count(metrics, "invalid")).isEqualTo(invalid + 1);
    // A request is timed as its answer leaves, so the client may read it a moment before.
    assertThat(timed(metrics, "POST /v1/usage", "200", 1)).isPositive();
    assertThat(timed(metrics, "POST /v1/usage", "400", refused + 1)).isEqualTo(refused + 1);
    // The routes the dispatcher serves are timed too, by their documented shape.
    assertThat(get("/v1/accounts/" + account + "/balance", serviceKey).statusCode()).isEqualTo(200);
    assertThat(timed(metrics, "GET /v1/accounts/{account_id}/balance", "200", 1)).isPositive();
  }

  /** The count of a route's timer once it reaches {@code atLeast}, or after 5 s. */
  private static long timed(MeterRegistry metrics, String route, String status, long atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    long count = 0;
    do {
      count =
          metrics
              .find("wallet.metering.requests")
              .tag("route", route)
              .tag("status", status)
              .timers()
              .stream()
              .mapToLong(Timer::count)
              .sum();
      if (count >= atLeast) {
        return count;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return count;
  }

  private static double count(MeterRegistry metrics, String result) {
    return metrics.get("wallet.usage.events").tag("result", result).counter().count();
  }

  private static HttpResponse<String> post(String path, String key, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
