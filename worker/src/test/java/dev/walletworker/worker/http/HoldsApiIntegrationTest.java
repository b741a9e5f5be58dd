package dev.walletworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.account.Wallets;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMetering;
import dev.walletworker.worker.ApiNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Holds over real HTTP with a service key, served by an API node. */
class HoldsApiIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static ConfigurableApplicationContext app;
  private static String base;

  private final Clock clock = Clock.systemUTC();
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private String account;
  private String serviceKey;

  @BeforeAll
  static void start() {
    app = ApiNode.start(db);
    base = ApiNode.base(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void givenAWalletAPriceAndAServiceKey() {
    // 2.00 per million in, 10.00 per million out.
    TestMetering given = TestMetering.given(db.database(), clock, "chat-v1", "2.00", "10.00");
    account = given.account();
    serviceKey = given.serviceKey();
  }

  @Test
  void holdCaptureAndTheBalanceEndpointsShowAvailableAndHeld() throws Exception {
    HttpResponse<String> created =
        post(
            "/v1/holds",
            """
            {"id": "req_1", "account_id": "%s", "model": "chat-v1",
             "max_input_tokens": 100000, "max_output_tokens": 50000, "expires_in": 120}
            """
                .formatted(account));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode hold = JSON.readTree(created.body());
    String holdId = hold.get("hold_id").asString();
    assertThat(holdId).startsWith("hold_");
    assertThat(hold.get("id").asString()).isEqualTo("req_1");
    assertThat(hold.get("status").asString()).isEqualTo("held");
    assertThat(hold.get("amount").decimalValue()).isEqualByComparingTo("0.70");
    assertThat(hold.get("available_after").decimalValue()).isEqualByComparingTo("9.30");
    assertThat(Duration.between(Instant.now(), Instant.parse(hold.get("expires_at").asString())))
        .isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121));

    JsonNode service =
        JSON.readTree(get("/v1/accounts/" + account + "/balance", serviceKey).body());
    assertThat(service.get("balance").decimalValue()).isEqualByComparingTo("10.00");
    assertThat(service.get("available").decimalValue()).isEqualByComparingTo("9.30");
    assertThat(service.get("held").decimalValue()).isEqualByComparingTo("0.70");
    String ownerKey = new ApiKeys(db.database(), clock).issue(account);
    JsonNode owner = JSON.readTree(get("/v1/wallet/balance", ownerKey).body());
    assertThat(owner.get("available").decimalValue()).isEqualByComparingTo("9.30");
    assertThat(owner.get("held").decimalValue()).isEqualByComparingTo("0.70");
    assertThat(owner.get("currency").asString()).isEqualTo("USD");

    HttpResponse<String> captured =
        post(
            "/v1/holds/" + holdId + "/capture",
            "{\"input_tokens\": 10000, \"output_tokens\": 2000}");
    assertThat(captured.statusCode()).as(captured.body()).isEqualTo(200);
    JsonNode capture = JSON.readTree(captured.body());
    assertThat(capture.get("status").asString()).isEqualTo("captured");
    assertThat(capture.get("amount").decimalValue()).isEqualByComparingTo("0.04");
    assertThat(capture.get("held_amount").decimalValue()).isEqualByComparingTo("0.70");
    assertThat(capture.get("balance_after").decimalValue()).isEqualByComparingTo("9.96");
    assertThat(capture.get("transaction_id").asString()).startsWith("txn_");

    // Captured twice: the first result.
    JsonNode again =
        JSON.readTree(post("/v1/holds/" + holdId + "/capture", "{\"amount\": 5}").body());
    assertThat(again.get("transaction_id").asString())
        .isEqualTo(capture.get("transaction_id").asString());
    assertThat(again.get("amount").decimalValue()).isEqualByComparingTo("0.04");
    JsonNode shown = JSON.readTree(get("/v1/holds/" + holdId, serviceKey).body());
    assertThat(shown.get("captured_amount").decimalValue()).isEqualByComparingTo("0.04");
    assertThat(ledger.balance(account)).isEqualByComparingTo("9.96");
  }

  @Test
  void theSameIdAgainIsTheSameHoldAnswered200() throws Exception {
    String body = "{\"id\": \"req_1\", \"account_id\": \"%s\", \"amount\": 2.5}".formatted(account);
    HttpResponse<String> first = post("/v1/holds", body);
    HttpResponse<String> second = post("/v1/holds", body);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(JSON.readTree(second.body()).get("hold_id").asString())
        .isEqualTo(JSON.readTree(first.body()).get("hold_id").asString());
    assertThat(
            db.jdbc()
                .sql("SELECT held FROM wallets WHERE account_id = ?")
                .param(account)
                .query(BigDecimal.class)
                .single())
        .isEqualByComparingTo("2.50");
  }

  @Test
  void theSameIdWithAnotherAmountIsAReferenceConflictAndHoldsNothingMore() throws Exception {
    String body = "{\"id\": \"req_1\", \"account_id\": \"%s\", \"amount\": 2.5}";
    HttpResponse<String> first = post("/v1/holds", body.formatted(account));
    HttpResponse<String> other = post("/v1/holds", body.replace("2.5", "4").formatted(account));
    HttpResponse<String> same = post("/v1/holds", body.formatted(account));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
    assertThat(JSON.readTree(other.body()).get("error").get("type").asString())
        .isEqualTo("reference_conflict");
    assertThat(JSON.readTree(other.body()).get("error").get("message").asString())
        .contains(JSON.readTree(first.body()).get("hold_id").asString());
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(
            db.jdbc()
                .sql("SELECT held FROM wallets WHERE account_id = ?")
                .param(account)
                .query(BigDecimal.class)
                .single())
        .isEqualByComparingTo("2.50");
  }

  @Test
  void aReleaseWithABodyButNoContentTypeIsRefused415AndReleasesNothing() throws Exception {
    String holdId =
        JSON.readTree(
                post(
                        "/v1/holds",
                        "{\"id\": \"req_1\", \"account_id\": \"%s\", \"amount\": 3}"
                            .formatted(account))
                    .body())
            .get("hold_id")
            .asString();

    HttpResponse<String> refused =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/holds/" + holdId + "/release"))
                .header("Authorization", "Bearer " + serviceKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"account_id\": \"acct_other\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(415);
    assertThat(JSON.readTree(refused.body()).get("error").get("type").asString())
        .isEqualTo("unsupported_media_type");
    JsonNode shown = JSON.readTree(get("/v1/holds/" + holdId, serviceKey).body());
    assertThat(shown.get("status").asString()).isEqualTo("held");
    // Without a body, no type is needed.
    assertThat(post("/v1/holds/" + holdId + "/release", null).statusCode()).isEqualTo(200);
  }

  @Test
  void anExpiredHoldShowsExpiredAtAndItsReleaseKeepsIt() throws Exception {
    JsonNode created =
        JSON.readTree(
            post(
                    "/v1/holds",
                    "{\"id\": \"req_1\", \"account_id\": \"%s\", \"amount\": 3,".formatted(account)
                        + " \"expires_in\": 1}")
                .body());
    assertThat(created.has("expired_at")).isTrue();
    assertThat(created.get("expired_at").isNull()).isTrue();
    String holdId = created.get("hold_id").asString();
    Clock later = Clock.offset(clock, Duration.ofMinutes(1));
    new HoldTransfers(
            db.database(),
            new Holds(db.database()),
            new Wallets(db.database()),
            new ModelPrices(db.database(), later),
            later)
        .expireDue(10);

    JsonNode expired = JSON.readTree(get("/v1/holds/" + holdId, serviceKey).body());
    assertThat(expired.get("status").asString()).isEqualTo("expired");
    String expiredAt = expired.get("expired_at").asString();
    assertThat(expiredAt).isEqualTo(expired.get("settled_at").asString());

    HttpResponse<String> released = post("/v1/holds/" + holdId + "/release", null);
    assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    assertThat(JSON.readTree(released.body()).get("status").asString()).isEqualTo("released");
    assertThat(JSON.readTree(released.body()).get("expired_at").asString()).isEqualTo(expiredAt);
    HttpResponse<String> capture = post("/v1/holds/" + holdId + "/capture", "{\"amount\": 1}");
    assertThat(capture.statusCode()).as(capture.body()).isEqualTo(409);
    assertThat(ledger.balance(account)).isEqualByComparingTo("10.00");
  }

  @Test
  void anOverCapturePostsBelowZeroAndThenNewHoldsAreRefused() throws Exception {
    String holdId =
        JSON.readTree(
                post(
                        "/v1/holds",
                        "{\"id\": \"req_1\", \"account_id\": \"%s\", \"amount\": 9}"
                            .formatted(account))
                    .body())
            .get("hold_id")
            .asString();

    HttpResponse<String> captured = post("/v1/holds/" + holdId + "/capture", "{\"amount\": 11}");

    assertThat(captured.statusCode()).as(captured.body()).isEqualTo(200);
    assertThat(JSON.readTree(captured.body()).get("balance_after").decimalValue())
        .isEqualByComparingTo("-1.00");
    HttpResponse<String> refused =
        post(
            "/v1/holds",
            "{\"id\": \"req_2\", \"account_id\": \"%s\", \"amount\": 0.01}".formatted(account));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(refused.body()).get("error").get("type").asString())
        .isEqualTo("insufficient_funds");
  }

  @Test
  void releaseIsIdempotentAndARelasedHoldCannotBeCaptured() throws Exception {
    String holdId =
        JSON.readTree(
                post(
                        "/v1/holds",
                        "{\"id\": \"req_1\", \"account_id\": \"%s\", \"amount\": 3}"
                            .formatted(account))
                    .body())
            .get("hold_id")
            .asString();

    HttpResponse<String> released = post("/v1/holds/" + holdId + "/release", null);
    HttpResponse<String> again = post("/v1/holds/" + holdId + "/release", null);
    HttpResponse<String> capture = post("/v1/holds/" + holdId + "/capture", "{\"amount\": 1}");

    assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    assertThat(JSON.readTree(released.body()).get("status").asString()).isEqualTo("released");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(capture.statusCode()).as(capture.body()).isEqualTo(409);
    assertThat(JSON.readTree(capture.body()).get("error").get("type").asString())
        .isEqualTo("hold_settled");
    assertThat(ledger.balance(account)).isEqualByComparingTo("10.00");
  }

  @Test
  void aHoldPastABlockingLimitIsRefusedWithSpendingLimit() throws Exception {
    accounts.updateSettings(
        account, new SettingsChange().limitEnabled(true).monthlyLimit(new BigDecimal("3.00")));
    post(
        "/v1/holds",
        "{\"id\": \"req_1\", \"account_id\": \"%s\", \"amount\": 2}".formatted(account));

    HttpResponse<String> refused =
        post(
            "/v1/holds",
            "{\"id\": \"req_2\", \"account_id\": \"%s\", \"amount\": 1.5}".formatted(account));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(JSON.readTree(refused.body()).get("error").get("type").asString())
        .isEqualTo("spending_limit");
  }

  @Test
  void eachRouteAnswersItsOwnMethodOnlyAndOtherPathsAre404() throws Exception {
    String holdId =
        JSON.readTree(
                post(
                        "/v1/holds",
                        "{\"id\": \"r1\", \"account_id\": \"" + account + "\", \"amount\": 1}")
                    .body())
            .get("hold_id")
            .asString();

    HttpResponse<String> list = get("/v1/holds", serviceKey);
    assertThat(list.statusCode()).isEqualTo(405);
    assertThat(list.headers().firstValue("Allow")).hasValue("POST");
    assertThat(JSON.readTree(list.body()).get("error").get("type").asString())
        .isEqualTo("method_not_allowed");
    HttpResponse<String> delete = send("DELETE", "/v1/holds/" + holdId);
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).hasValue("GET,HEAD");
    assertThat(get("/v1/holds/" + holdId + "/capture", serviceKey).statusCode()).isEqualTo(405);
    assertThat(send("HEAD", "/v1/holds/" + holdId).statusCode()).isEqualTo(200);
    HttpResponse<String> options = send("OPTIONS", "/v1/holds/" + holdId + "/capture");
    assertThat(options.statusCode()).isEqualTo(200);
    assertThat(options.headers().firstValue("Allow")).hasValue("POST,OPTIONS");
    assertThat(send("OPTIONS", "/v1/holds/" + holdId).headers().firstValue("Allow"))
        .hasValue("GET,HEAD,OPTIONS");

    for (String path :
        new String[] {
          "/v1/holds/",
          "/v1/holds/" + holdId + "/void",
          "/v1/holds/a/b/capture",
          "/v1/holds//capture"
        }) {
      HttpResponse<String> missing = post(path, "{}");
      assertThat(missing.statusCode()).as(path).isEqualTo(404);
      assertThat(JSON.readTree(missing.body()).get("error").get("type").asString())
          .isEqualTo("not_found");
    }
    // The key is checked before the route: no key, 401 on any of them.
    assertThat(get("/v1/holds/" + holdId, null).statusCode()).isEqualTo(401);
    assertThat(get("/v1/holds/" + holdId, serviceKey).statusCode()).isEqualTo(200);
    assertThat(
            JSON.readTree(get("/v1/holds/" + holdId, serviceKey).body()).get("status").asString())
        .isEqualTo("held");
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + serviceKey)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + serviceKey);
    if (body == null) {
      request.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + key)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
