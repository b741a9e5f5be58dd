package dev.walletworker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.db.SystemSettings;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.cli.Cli;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One table of bad input through every way in: the wallet API, Stripe's webhooks, the ops CLI and
 * configuration files. Each case must get a clear error (the right status or exit code, a message
 * that says what is wrong) and leave every table of the database exactly as it was. The run writes
 * the table, with what each case answered, to {@code target/reliability/bad-input.md}.
 */
class BadInputIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String SECRET = "whsec_bad_input";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> TABLE = new ArrayList<>();

  /** The API's error types: the CLI's for mistakes in the input, and those only HTTP has. */
  private static final List<String> API_ERROR_TYPES =
      Stream.concat(
              Stream.of(dev.walletworker.ErrorType.values()).map(t -> t.code()),
              Stream.of(
                  "authentication_error",
                  "permission_error",
                  "not_found",
                  "method_not_allowed",
                  "unsupported_media_type",
                  "request_too_large",
                  "payment_provider_error",
                  "internal_error"))
          .toList();

  private static StripeEmulator stripe;
  private static ConfigurableApplicationContext app;
  private static String base;
  private static ConfigurableApplicationContext appWithoutSecret;

  @TempDir static Path configDir;

  private String account;
  private String key;
  private dev.walletworker.worker.billing.SignedIn browser;
  private String session;
  private String serviceKey;
  private String revokedServiceKey;
  private String hold;
  private String otherAccount;

  @BeforeAll
  static void start() {
    stripe = StripeEmulator.start(0);
    app = daemon(SECRET);
    base = ApiNode.base(app);
    stripe.webhook(base + "/v1/webhooks/stripe", SECRET);
  }

  private static ConfigurableApplicationContext daemon(String webhookSecret) {
    return ApiNode.start(
        db,
        "--wallet.stripe.api-key=sk_test_bad_input",
        "--wallet.stripe.api-base=" + stripe.apiBase(),
        "--wallet.stripe.webhook-secret=" + webhookSecret);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    if (appWithoutSecret != null) {
      appWithoutSecret.close();
    }
    stripe.close();
    Path out = Path.of("target/reliability/bad-input.md");
    Files.createDirectories(out.getParent());
    List<String> lines = new ArrayList<>();
    lines.add("| # | way in | input | answer |");
    lines.add("|---|---|---|---|");
    for (int i = 0; i < TABLE.size(); i++) {
      lines.add("| " + (i + 1) + " | " + TABLE.get(i) + " |");
    }
    Files.write(out, lines);
  }

  @BeforeEach
  void givenAnAccountWithMoneyHistoryAndAKey() {
    Clock clock = Clock.systemUTC();
    account =
        new Accounts(db.database(), clock).create("owner@example.com", "Ada", null).account().id();
    key = new ApiKeys(db.database(), clock).issue(account);
    // Used once before any snapshot: a key records when it was last used at most once a minute,
    // so a case's own requests do not change its row.
    new ApiKeys(db.database(), clock).accountFor(key);
    Ledger ledger = new Ledger(db.database(), clock);
    ledger.credit(account, new BigDecimal("25.00"), TransactionType.TOPUP, null, null);
    ledger.debitUsage(account, BigDecimal.ONE, null, "seed-ref");
    // The scheduler's store and the database's month zone are written once, by the first
    // command that opens them; do that here so a snapshot compares only what the case itself
    // could change.
    cli(Map.of(), "jobs", "list");
    new SystemSettings(db.database()).timeZone(ZoneId.of("UTC"), clock);
    givenAPriceAndServiceKeys(clock);
  }

  /**
   * A model priced from a day ago, a service key already used once (its first use writes "last
   * used", which no case may be blamed for) and a revoked one.
   */
  private void givenAPriceAndServiceKeys(Clock clock) {
    new ModelPrices(db.database(), clock)
        .set(
            "assisters-chat-v1",
            new BigDecimal("0.50"),
            new BigDecimal("1.50"),
            null,
            clock.instant().minus(Duration.ofDays(1)));
    ServiceKeys serviceKeys = new ServiceKeys(db.database(), clock);
    serviceKey = serviceKeys.create("gateway-bad-input").key();
    revokedServiceKey = serviceKeys.create("gateway-revoked").key();
    serviceKeys.revoke("gateway-revoked");
    try {
      HttpResponse<String> warm =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/accounts/" + account + "/balance"))
                  .header("Authorization", "Bearer " + serviceKey)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWithAClearErrorAndNothingChanges(Case c) throws Exception {
    c.input().prepare(this);
    boolean acknowledged = c.code() == 200 && c.input() instanceof WebhookCase;
    String before = snapshot(acknowledged);
    long reviews = openReviews();
    int charges = stripe.charges().size();

    Answer answer = c.input().send(this);

    assertThat(answer.code()).as(answer.raw()).isEqualTo(c.code());
    assertThat(answer.message()).as(answer.raw()).isNotBlank().contains(c.says());
    assertThat(answer.message())
        .doesNotContain("Exception")
        .doesNotContain(key)
        .doesNotContain(serviceKey);
    // A signed Stripe event that cannot be credited is acknowledged (or Stripe retries it for
    // days): it records the event and a payment review for a person, and changes nothing else.
    assertThat(snapshot(acknowledged)).as("database after " + c).isEqualTo(before);
    assertThat(openReviews()).isEqualTo(acknowledged ? reviews + 1 : reviews);
    assertThat(stripe.charges()).hasSize(charges);
    synchronized (TABLE) {
      TABLE.add(
          c.input().way()
              + " | "
              + cell(c.toString())
              + " | "
              + answer.code()
              + " "
              + cell(answer.message()));
    }
  }

  /**
   * One vocabulary: a mistake the API and the CLI can both receive gets the same error {@code type}
   * and {@code param} from each (the API's field names; the CLI's message adds its option).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sameMistakes")
  void theSameMistakeHasOneTypeAndOneParamInTheApiAndTheCli(SameMistake m) throws Exception {
    String before = snapshot();

    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + m.path()))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                m.method(),
                m.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(m.body()));
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode api = apiError(response);
    String[] argv =
        Stream.concat(m.cli().stream(), Stream.of("--json"))
            .map(a -> a.equals("ID") ? account : a)
            .toArray(String[]::new);
    Cli.Result cli = cli(Map.of(), argv);
    JsonNode cliError = JSON.readTree(cli.out()).get("error");

    assertThat(api.get("type").asString()).as(response.body()).isEqualTo(m.type());
    assertThat(cliError.get("type").asString()).as(cli.out()).isEqualTo(m.type());
    assertThat(api.get("param").asString()).as(response.body()).isEqualTo(m.param());
    assertThat(cliError.get("param").asString()).as(cli.out()).isEqualTo(m.param());
    assertThat(snapshot()).isEqualTo(before);
  }

  record SameMistake(
      String what,
      String type,
      String param,
      String method,
      String path,
      String body,
      List<String> cli) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<SameMistake> sameMistakes() {
    String topUp = "/v1/wallet/top-up";
    String limit = "/v1/wallet/spending-limit";
    String autoTopUp = "/v1/wallet/auto-topup";
    return Stream.of(
        new SameMistake(
            "an amount that is not a number",
            "invalid_amount",
            "amount",
            "POST",
            topUp,
            "{\"amount\": \"twelve\"}",
            List.of("wallet", "usage", "ID", "--amount", "twelve")),
        new SameMistake(
            "an amount with an exponent",
            "invalid_amount",
            "amount",
            "POST",
            topUp,
            "{\"amount\": 1e1}",
            List.of("wallet", "credit", "ID", "--amount", "1e1", "--type", "topup")),
        new SameMistake(
            "an amount with more than 6 decimals",
            "invalid_amount",
            "amount",
            "POST",
            topUp,
            "{\"amount\": 25.0000001}",
            List.of("wallet", "usage", "ID", "--amount", "25.0000001")),
        new SameMistake(
            "a negative amount",
            "invalid_amount",
            "amount",
            "POST",
            topUp,
            "{\"amount\": -25.00}",
            List.of("wallet", "credit", "ID", "--amount", "-25.00", "--type", "topup")),
        new SameMistake(
            "a top-up not in whole cents",
            "invalid_amount",
            "amount",
            "POST",
            topUp,
            "{\"amount\": 99.995}",
            List.of("wallet", "credit", "ID", "--amount", "99.995", "--type", "topup")),
        new SameMistake(
            "a top-up below the minimum",
            "amount_below_minimum",
            "amount",
            "POST",
            topUp,
            "{\"amount\": 9.99}",
            List.of("wallet", "credit", "ID", "--amount", "9.99", "--type", "topup")),
        new SameMistake(
            "a top-up for sales",
            "contact_sales",
            "amount",
            "POST",
            topUp,
            "{\"amount\": 500.00}",
            List.of("wallet", "credit", "ID", "--amount", "500.00", "--type", "topup")),
        new SameMistake(
            "a monthly limit of zero",
            "invalid_amount",
            "spending_limit.monthly_limit",
            "PUT",
            limit,
            "{\"spending_limit\": {\"monthly_limit\": 0}}",
            List.of("accounts", "set", "ID", "--monthly-limit", "0")),
        new SameMistake(
            "a monthly limit with an exponent",
            "invalid_amount",
            "spending_limit.monthly_limit",
            "PUT",
            limit,
            "{\"spending_limit\": {\"monthly_limit\": 1e1}}",
            List.of("accounts", "set", "ID", "--monthly-limit", "1e1")),
        new SameMistake(
            "a huge monthly limit",
            "invalid_amount",
            "spending_limit.monthly_limit",
            "PUT",
            limit,
            "{\"spending_limit\": {\"monthly_limit\": 1000000000000}}",
            List.of("accounts", "set", "ID", "--monthly-limit", "1000000000000")),
        new SameMistake(
            "an unknown limit action",
            "invalid_request",
            "spending_limit.action",
            "PUT",
            limit,
            "{\"spending_limit\": {\"action\": \"explode\"}}",
            List.of("accounts", "set", "ID", "--limit-action", "explode")),
        new SameMistake(
            "a negative auto top-up threshold",
            "invalid_amount",
            "auto_topup.threshold",
            "PUT",
            autoTopUp,
            "{\"auto_topup\": {\"threshold\": -1}}",
            List.of("accounts", "set", "ID", "--topup-threshold", "-1")),
        new SameMistake(
            "an auto top-up amount below the minimum",
            "amount_below_minimum",
            "auto_topup.amount",
            "PUT",
            autoTopUp,
            "{\"auto_topup\": {\"amount\": 5.00}}",
            List.of("accounts", "set", "ID", "--topup-amount", "5.00")),
        new SameMistake(
            "auto top-up switched on without its values",
            "invalid_request",
            "auto_topup.threshold",
            "PUT",
            autoTopUp,
            "{\"auto_topup\": {\"enabled\": true}}",
            List.of("accounts", "set", "ID", "--auto-topup", "on")),
        new SameMistake(
            "an alert threshold with more than 6 decimals",
            "invalid_amount",
            "low_balance_alert.threshold",
            "PUT",
            "/v1/wallet/low-balance-alert",
            "{\"low_balance_alert\": {\"threshold\": 0.0000001}}",
            List.of("accounts", "set", "ID", "--alert-threshold", "0.0000001")),
        new SameMistake(
            "a cursor that is not in this wallet",
            "invalid_request",
            "starting_after",
            "GET",
            "/v1/wallet/transactions?starting_after=txn_000000000000000000000000",
            null,
            List.of(
                "wallet",
                "transactions",
                "ID",
                "--starting-after",
                "txn_000000000000000000000000")));
  }

  private String snapshot() {
    return snapshot(false);
  }

  /**
   * Every row of every table but Flyway's history, in a stable order; without what an acknowledged
   * Stripe event records (the event, the review, the top-up's status) when {@code acknowledged}.
   */
  private String snapshot(boolean acknowledged) {
    List<String> tables =
        db
            .jdbc()
            .sql(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
                    + " AND tablename <> 'flyway_schema_history'"
                    // A billing-page session records each request's time: bookkeeping, not data.
                    + " AND tablename NOT LIKE 'spring_session%' ORDER BY tablename")
            .query(String.class)
            .list()
            .stream()
            .filter(
                t ->
                    !acknowledged
                        || !List.of("stripe_events", "payment_reviews", "checkout_topups")
                            .contains(t))
            .toList();
    StringBuilder all = new StringBuilder();
    for (String table : tables) {
      all.append(table)
          .append(": ")
          .append(
              db.jdbc()
                  .sql(
                      "SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM "
                          + table
                          + " t")
                  .query(String.class)
                  .single())
          .append('\n');
    }
    return all.toString();
  }

  /** Starts a Checkout top-up through the API; returns its session's id. */
  private String startTopUp(String amount) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/wallet/top-up"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": " + amount + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().replaceAll(".*/checkout/(cs_test_\\w+)\".*", "$1");
  }

  private String checkoutStatus() {
    return db.jdbc()
        .sql("SELECT status FROM checkout_topups WHERE session_id = ?")
        .param(session)
        .query(String.class)
        .single();
  }

  /** The started session as Stripe sends it once paid, with {@code fields} as given. */
  private String paidSession(String fields) {
    Map<String, Object> object = stripe.checkoutSession(session).orElseThrow();
    return "{\"id\":\""
        + session
        + "\",\"object\":\"checkout.session\",\"payment_status\":\"paid\",\"status\":\"complete\","
        + fields
        + ",\"metadata\":"
        + JSON.writeValueAsString(object.get("metadata"))
        + "}";
  }

  private long openReviews() {
    return db.jdbc()
        .sql("SELECT count(*) FROM payment_reviews WHERE resolved_at IS NULL")
        .query(Long.class)
        .single();
  }

  // --- the table

  static Stream<Case> cases() {
    return Stream.concat(Stream.concat(otherCases(), meteringCases()), holdCases());
  }

  /**
   * Holds with a service key: each case is refused with a clear error and nothing is held, posted
   * or released. {@code HOLD} in a path is a hold made before the snapshot (held, released,
   * captured or of another account, as the case says); {@code ID} is the account, {@code OTHER}
   * another account.
   */
  static Stream<Case> holdCases() {
    String holds = "/v1/holds";
    String capture = "/v1/holds/HOLD/capture";
    String release = "/v1/holds/HOLD/release";
    return Stream.of(
        hold(400, "id is required", "POST", holds, "{\"account_id\": \"ID\", \"amount\": 1}", "id"),
        hold(
            400,
            "account_id is required",
            "POST",
            holds,
            "{\"id\": \"h1\", \"amount\": 1}",
            "account_id"),
        hold(
            400,
            "Unknown field",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1, \"user\": \"u\"}",
            "user"),
        hold(
            400,
            "more than once",
            "POST",
            holds,
            "{\"id\": \"h1\", \"id\": \"h2\", \"account_id\": \"ID\", \"amount\": 1}",
            "id"),
        hold(
            422,
            "",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": -1}",
            "amount"),
        hold(
            422,
            "",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 0}",
            "amount"),
        hold(
            422,
            "decimal places",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 0.0000001}",
            "amount"),
        hold(
            422,
            "either",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1, \"model\": \"assisters-chat-v1\", \"max_input_tokens\": 1, \"max_output_tokens\": 1}",
            "amount"),
        hold(422, "either", "POST", holds, "{\"id\": \"h1\", \"account_id\": \"ID\"}", "amount"),
        hold(
            422,
            "unknown model",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"model\": \"gpt-imaginary\", \"max_input_tokens\": 1, \"max_output_tokens\": 1}",
            "model"),
        hold(
            422,
            "max_output_tokens is required",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"model\": \"assisters-chat-v1\", \"max_input_tokens\": 1}",
            "max_output_tokens"),
        hold(
            422,
            "negative",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"model\": \"assisters-chat-v1\", \"max_input_tokens\": 1, \"max_output_tokens\": -5}",
            "max_output_tokens"),
        hold(
            400,
            "whole number",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"model\": \"assisters-chat-v1\", \"max_input_tokens\": \"1200\", \"max_output_tokens\": 1}",
            "max_input_tokens"),
        hold(
            422,
            "between 1 and 86400",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1, \"expires_in\": 0}",
            "expires_in"),
        hold(
            422,
            "between 1 and 86400",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1, \"expires_in\": 1000000000}",
            "expires_in"),
        hold(
            422,
            "out of range",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1, \"expires_in\": 1000000000000000000000000000000}",
            "expires_in"),
        hold(
            400,
            "whole number",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1, \"expires_in\": 1.5}",
            "expires_in"),
        hold(
            422,
            "",
            "POST",
            holds,
            "{\"id\": \"" + "r".repeat(256) + "\", \"account_id\": \"ID\", \"amount\": 1}",
            "id"),
        hold(
            404,
            "No account",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"acct_doesnotexist00\", \"amount\": 1}",
            "account_id"),
        hold(
            422,
            "available balance is 24.00",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 24.01}",
            "amount"),
        holdAfter(
            HoldSetup.BLOCKED,
            422,
            "blocked",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1}",
            "account_id"),
        holdAfter(
            HoldSetup.HELD,
            422,
            "was already used for hold",
            "POST",
            holds,
            "{\"id\": \"prepared\", \"account_id\": \"ID\", \"amount\": 3}",
            "id"),
        holdAfter(
            HoldSetup.LIMITED,
            422,
            "spending limit of 5.00",
            "POST",
            holds,
            "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 4.01}",
            "amount"),
        new Case(
            new HoldCase(
                HoldSetup.NONE,
                "POST",
                holds,
                "text/plain",
                "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1}",
                null,
                "service"),
            415,
            ""),
        hold(
            404,
            "No hold",
            "POST",
            "/v1/holds/hold_doesnotexist0000000000/capture",
            "{\"amount\": 1}",
            "hold_id"),
        hold(
            404,
            "No hold",
            "POST",
            "/v1/holds/hold_doesnotexist0000000000/release",
            null,
            "hold_id"),
        hold(404, "No hold", "GET", "/v1/holds/hold_doesnotexist0000000000", null, "hold_id"),
        hold(
            404,
            "No hold",
            "POST",
            "/v1/holds/" + "h".repeat(300) + "/capture",
            "{\"amount\": 1}",
            "hold_id"),
        holdAfter(
            HoldSetup.HELD,
            404,
            "for account",
            "POST",
            capture,
            "{\"account_id\": \"OTHER\", \"amount\": 1}",
            "hold_id"),
        holdAfter(
            HoldSetup.HELD,
            404,
            "for account",
            "POST",
            release,
            "{\"account_id\": \"OTHER\"}",
            "hold_id"),
        holdAfter(HoldSetup.HELD, 422, "", "POST", capture, "{\"amount\": -0.5}", "amount"),
        holdAfter(HoldSetup.HELD, 422, "either", "POST", capture, "{}", "amount"),
        holdAfter(
            HoldSetup.HELD,
            422,
            "either",
            "POST",
            capture,
            "{\"amount\": 1, \"input_tokens\": 5, \"output_tokens\": 5}",
            "amount"),
        holdAfter(
            HoldSetup.HELD,
            422,
            "made for an amount",
            "POST",
            capture,
            "{\"input_tokens\": 5, \"output_tokens\": 5}",
            "input_tokens"),
        holdAfter(
            HoldSetup.HELD,
            400,
            "whole number",
            "POST",
            capture,
            "{\"input_tokens\": 1.5, \"output_tokens\": 5}",
            "input_tokens"),
        holdAfter(
            HoldSetup.HELD,
            400,
            "Unknown field",
            "POST",
            capture,
            "{\"amount\": 1, \"model\": \"x\"}",
            "model"),
        holdAfter(
            HoldSetup.RELEASED, 409, "was released", "POST", capture, "{\"amount\": 1}", "hold_id"),
        holdAfter(HoldSetup.CAPTURED, 409, "was captured", "POST", release, null, "hold_id"),
        new Case(
            new HoldCase(
                HoldSetup.HELD,
                "POST",
                release,
                null,
                "{\"account_id\": \"OTHER\"}",
                null,
                "service"),
            415,
            ""),
        new Case(
            new HoldCase(
                HoldSetup.HELD,
                "POST",
                capture,
                "application/json",
                "{\"amount\": 1}",
                null,
                "owner"),
            403,
            "service key"),
        new Case(
            new HoldCase(
                HoldSetup.NONE,
                "POST",
                holds,
                "application/json",
                "{\"id\": \"h1\", \"account_id\": \"ID\", \"amount\": 1}",
                null,
                "none"),
            401,
            "Missing API key"));
  }

  /**
   * The metering API with a service key. A mistake in the request as a whole is a 4xx error and
   * nothing is posted; a mistake in one event is that event's result ({@code invalid} with the
   * field, or the refusal's status) inside a 200, and nothing is posted either.
   */
  static Stream<Case> meteringCases() {
    String usage = "/v1/usage";
    String json = "application/json";
    String oneEvent =
        "{\"events\": [{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25}]}";
    StringBuilder tooMany = new StringBuilder("{\"events\": [");
    for (int i = 0; i < 1001; i++) {
      tooMany.append(i == 0 ? "" : ",");
      tooMany
          .append("{\"id\": \"r")
          .append(i)
          .append("\", \"account_id\": \"ID\", \"amount\": 0.01}");
    }
    tooMany.append("]}");
    String hugeBody =
        "{\"events\": [{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25,"
            + " \"description\": \""
            + "x".repeat(1_100_000)
            + "\"}]}";
    String priced =
        "\"account_id\": \"ID\", \"model\": \"assisters-chat-v1\", \"input_tokens\": 1200,"
            + " \"output_tokens\": 350";
    return Stream.of(
        // The request as a whole: a 4xx in the API's error shape, nothing posted.
        usage(400, "not valid JSON", json, "{\"events\": [", null),
        usage(400, "object", json, "[{\"id\": \"req_1\"}]", null),
        usage(400, "events", json, "{}", "events"),
        usage(400, "events", json, "{\"events\": {\"id\": \"req_1\"}}", "events"),
        usage(400, "empty", json, "{\"events\": []}", "events"),
        usage(400, "at most 1000", json, tooMany.toString(), "events"),
        usage(400, "", json, "{\"events\": [], \"dry_run\": true}", "dry_run"),
        usage(
            400,
            "more than once",
            json,
            "{\"events\": [], \"events\": [{\"id\": \"req_1\", \"account_id\": \"ID\","
                + " \"amount\": 0.25}]}",
            "events"),
        usage(
            400,
            "",
            json,
            "{\"events\": [{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": NaN}]}",
            null),
        usage(413, "", json, hugeBody, null),
        usage(415, "", "text/plain", oneEvent, null),
        meteringKey("an owner key (ask_…)", "POST", usage, 403, "service key"),
        meteringKey("a revoked service key", "POST", usage, 401, "Invalid API key"),
        meteringKey("an unknown service key", "POST", usage, 401, "Invalid API key"),
        meteringKey("no Authorization header", "POST", usage, 401, "Missing API key"),
        meteringKey("an owner key (ask_…)", "GET", "/v1/accounts/ID/balance", 403, "service key"),
        meteringKey("a service key (wsk_…)", "GET", "/v1/wallet/balance", 403, "API key"),
        meteringKey("a service key (wsk_…)", "GET", "/v1/wallet/transactions", 403, "API key"),
        meteringKey("a service key", "GET", "/v1/accounts/acct_doesnotexist00/balance", 404, ""),
        meteringKey("a service key", "GET", usage, 405, ""),
        // One event: its own result inside a 200, naming the field; nothing posted.
        event("invalid", "JSON object", "5", null),
        event("invalid", "id is required", "{\"account_id\": \"ID\", \"amount\": 0.25}", "id"),
        event("invalid", "string", "{\"id\": 17, \"account_id\": \"ID\", \"amount\": 0.25}", "id"),
        event(
            "invalid",
            "",
            "{\"id\": \"" + "r".repeat(256) + "\", \"account_id\": \"ID\", \"amount\": 0.25}",
            "id"),
        event("invalid", "", "{\"id\": \"\", \"account_id\": \"ID\", \"amount\": 0.25}", "id"),
        event(
            "invalid",
            "account_id is required",
            "{\"id\": \"req_1\", \"amount\": 0.25}",
            "account_id"),
        event(
            "invalid",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25, \"user\": \"u1\"}",
            "user"),
        event(
            "invalid",
            "whole number",
            "{\"id\": \"req_1\", " + priced.replace("1200", "\"1200\"") + "}",
            "input_tokens"),
        event(
            "invalid",
            "negative",
            "{\"id\": \"req_1\", " + priced.replace("1200", "-1200") + "}",
            "input_tokens"),
        event(
            "invalid",
            "whole number",
            "{\"id\": \"req_1\", " + priced.replace("350", "350.5") + "}",
            "output_tokens"),
        event(
            "invalid",
            "below 1000000000000",
            "{\"id\": \"req_1\", " + priced.replace("1200", "1000000000000") + "}",
            "input_tokens"),
        event(
            "invalid",
            "exponent",
            "{\"id\": \"req_1\", " + priced.replace("1200", "1.2e3") + "}",
            "input_tokens"),
        event(
            "invalid",
            "",
            "{\"id\": \"req_1\", " + priced + ", \"cached_input_tokens\": true}",
            "cached_input_tokens"),
        event(
            "invalid",
            "output_tokens is required",
            "{\"id\": \"req_1\", " + priced.replace(", \"output_tokens\": 350", "") + "}",
            "output_tokens"),
        event(
            "invalid",
            "costs 0.00",
            "{\"id\": \"req_1\", " + priced.replace("1200", "0").replace("350", "0") + "}",
            "input_tokens"),
        event(
            "invalid",
            "unknown model",
            "{\"id\": \"req_1\", " + priced.replace("assisters-chat-v1", "gpt-imaginary") + "}",
            "model"),
        event(
            "invalid",
            "",
            "{\"id\": \"req_1\", " + priced.replace("\"assisters-chat-v1\"", "42") + "}",
            "model"),
        event(
            "invalid",
            "no price in force",
            "{\"id\": \"req_1\", " + priced + ", \"timestamp\": \"DAYS_AGO_2\"}",
            "timestamp"),
        event(
            "invalid",
            "35 days",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25,"
                + " \"timestamp\": \"DAYS_AGO_36\"}",
            "timestamp"),
        event(
            "invalid",
            "5 minutes ahead",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25,"
                + " \"timestamp\": \"MINUTES_AHEAD_10\"}",
            "timestamp"),
        event(
            "invalid",
            "ISO-8601",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25,"
                + " \"timestamp\": \"yesterday\"}",
            "timestamp"),
        event(
            "invalid",
            "offset",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25,"
                + " \"timestamp\": \"2026-11-29T10:15:30\"}",
            "timestamp"),
        event(
            "invalid",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25,"
                + " \"timestamp\": 1764000000}",
            "timestamp"),
        event(
            "invalid",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.0000001}",
            "amount"),
        event(
            "invalid",
            "exponent",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 1e309}",
            "amount"),
        event(
            "invalid",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": -0.25}",
            "amount"),
        event(
            "invalid", "", "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0}", "amount"),
        event(
            "invalid",
            "number",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": \"0.25\"}",
            "amount"),
        event(
            "invalid",
            "not both",
            "{\"id\": \"req_1\", " + priced + ", \"amount\": 0.25}",
            "amount"),
        event(
            "invalid",
            "description goes with amount",
            "{\"id\": \"req_1\", " + priced + ", \"description\": \"chat\"}",
            "description"),
        event(
            "invalid",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25,"
                + " \"description\": \"x\\r\\nBcc: a@b.c\"}",
            "description"),
        event(
            "account_not_found",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"acct_doesnotexist00\", \"amount\": 0.25}",
            "account_id"),
        event(
            "account_not_found",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"x'; DROP TABLE wallets; --\", \"amount\": 0.25}",
            "account_id"),
        event(
            "insufficient_funds",
            "",
            "{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 1000}",
            null));
  }

  static Stream<Case> otherCases() {
    String json = "application/json";
    String bigBody = "{\"amount\": 25.00, \"pad\": \"" + "x".repeat(20_000) + "\"}";
    String longText = "x".repeat(10_000);
    return Stream.of(
        // The billing pages, signed in: the error on the page (beside its field), nothing changed.
        page(
            422,
            "must be a plain decimal number",
            "POST",
            "/billing/top-up",
            "custom_amount",
            "abc"),
        page(422, "The minimum top-up is 10.00", "POST", "/billing/top-up", "custom_amount", "5"),
        page(422, "please contact sales", "POST", "/billing/top-up", "custom_amount", "500"),
        page(422, "at most 2 decimals", "POST", "/billing/top-up", "custom_amount", "10.001"),
        page(422, "Choose an amount", "POST", "/billing/top-up"),
        page(
            422,
            "must not be negative",
            "POST",
            "/billing/settings/auto-top-up",
            "enabled",
            "true",
            "threshold",
            "-1",
            "amount",
            "25"),
        page(
            422,
            "auto top-up amount",
            "POST",
            "/billing/settings/auto-top-up",
            "threshold",
            "5",
            "amount",
            "600"),
        page(
            422,
            "must be a plain decimal number",
            "POST",
            "/billing/settings/low-balance-alert",
            "threshold",
            "1e3"),
        page(
            422,
            "must be at least 1.00",
            "POST",
            "/billing/settings/spending-limit",
            "enabled",
            "true",
            "monthly_limit",
            "0.50"),
        page(
            422,
            "must be block or alert",
            "POST",
            "/billing/settings/spending-limit",
            "monthly_limit",
            "50",
            "action",
            "pause"),
        page(400, "type must be one of", "GET", "/billing/transactions?type=refunds"),
        page(400, "no transaction", "GET", "/billing/transactions?after=txn_nope"),
        page(400, "month must be a month", "GET", "/billing/transactions.csv?month=2026-13"),
        page(404, "no such payment", "GET", "/billing/confirm-payment?payment_intent=pi_nope"),
        page(404, "no such payment", "GET", "/billing/confirm-payment?payment_intent=%3Cscript%3E"),
        page(404, "no such top-up", "GET", "/billing/top-up/ctu_nope"),
        page(404, "No such active key", "POST", "/billing/api-keys/revoke", "id", "key_nope"),
        page(
            400,
            "already used, has expired or is not valid",
            "POST",
            "/billing/sign-in/link",
            "token",
            "not-a-token"),
        page(422, "Enter the email address", "POST", "/billing/sign-in", "email", "not an email"),
        page(
            403,
            "",
            "POST",
            "/billing/settings/low-balance-alert",
            "_csrf",
            "forged",
            "threshold",
            "5"),
        // The wallet API: status, a JSON error naming the field, nothing changed.
        api(
            400,
            "is not valid JSON",
            "POST",
            "/v1/wallet/top-up",
            json,
            "{\"amount\": 25.00",
            null),
        api(400, "object", "POST", "/v1/wallet/top-up", json, "[25]", null),
        api(400, "number", "POST", "/v1/wallet/top-up", json, "{\"amount\": \"25.00\"}", "amount"),
        api(400, "", "POST", "/v1/wallet/top-up", json, "{\"amount\": NaN}", null),
        api(400, "", "POST", "/v1/wallet/top-up", json, "{\"amount\": Infinity}", null),
        api(400, "", "POST", "/v1/wallet/top-up", json, "{\"amount\": true}", "amount"),
        api(400, "", "POST", "/v1/wallet/top-up", json, "{\"amount\": null}", "amount"),
        api(
            400,
            "currency",
            "POST",
            "/v1/wallet/top-up",
            json,
            "{\"amount\": 25.00, \"currency\": \"EUR\"}",
            "currency"),
        api(
            400,
            "",
            "POST",
            "/v1/wallet/top-up",
            json,
            "{\"amount\": 25.00, \"currency\": \"" + longText + "\"}",
            "currency"),
        api(400, "amount", "POST", "/v1/wallet/top-up", json, "{}", "amount"),
        api(
            400,
            "",
            "POST",
            "/v1/wallet/top-up",
            json,
            "{\"amount\": 25.00, \"account_id\": \"acct_other\"}",
            "account_id"),
        api(422, "", "POST", "/v1/wallet/top-up", json, "{\"amount\": -25.00}", "amount"),
        api(422, "", "POST", "/v1/wallet/top-up", json, "{\"amount\": 0}", "amount"),
        api(400, "exponent", "POST", "/v1/wallet/top-up", json, "{\"amount\": 1e309}", "amount"),
        // Numbers in plain decimal notation only, as the CLI and the README require.
        api(400, "exponent", "POST", "/v1/wallet/top-up", json, "{\"amount\": 1e1}", "amount"),
        api(400, "exponent", "POST", "/v1/wallet/top-up", json, "{\"amount\": 1E+1}", "amount"),
        api(400, "exponent", "POST", "/v1/wallet/top-up", json, "{\"amount\": 2.5e1}", "amount"),
        // Each field once: a proxy reading the first of two values would see another request.
        api(
            400,
            "more than once",
            "POST",
            "/v1/wallet/top-up",
            json,
            "{\"amount\": 5, \"amount\": 25.00}",
            "amount"),
        api(422, "", "POST", "/v1/wallet/top-up", json, "{\"amount\": 25.001}", "amount"),
        api(422, "10.00", "POST", "/v1/wallet/top-up", json, "{\"amount\": 9.99}", "amount"),
        api(422, "sales", "POST", "/v1/wallet/top-up", json, "{\"amount\": 500.00}", "amount"),
        api(415, "", "POST", "/v1/wallet/top-up", "text/plain", "{\"amount\": 25.00}", null),
        api(413, "", "POST", "/v1/wallet/top-up", json, bigBody, null),
        api(405, "", "DELETE", "/v1/wallet/balance", null, null, null),
        api(405, "", "POST", "/v1/wallet/balance", json, "{}", null),
        api(404, "", "GET", "/v1/wallet/nothing-here", null, null, null),
        api(400, "", "GET", "/v1/wallet/transactions?limit=ten", null, null, "limit"),
        api(422, "", "GET", "/v1/wallet/transactions?limit=0", null, null, "limit"),
        api(422, "", "GET", "/v1/wallet/transactions?limit=-1", null, null, "limit"),
        api(422, "", "GET", "/v1/wallet/transactions?limit=101", null, null, "limit"),
        api(
            422,
            "",
            "GET",
            "/v1/wallet/transactions?starting_after=txn_%27%20OR%20%271%27%3D%271",
            null,
            null,
            "starting_after"),
        api(
            422,
            "",
            "GET",
            "/v1/wallet/transactions?starting_after=txn_000000000000000000000000",
            null,
            null,
            "starting_after"),
        api(400, "enabled", "PUT", "/v1/wallet/auto-topup", json, "{\"enabled\": true}", "enabled"),
        api(
            400,
            "",
            "PUT",
            "/v1/wallet/auto-topup",
            json,
            "{\"auto_topup\": {\"enabled\": \"yes\"}}",
            "auto_topup.enabled"),
        api(
            400,
            "",
            "PUT",
            "/v1/wallet/auto-topup",
            json,
            "{\"auto_topup\": {\"treshold\": 5}}",
            "auto_topup.treshold"),
        api(400, "", "PUT", "/v1/wallet/auto-topup", json, "{\"auto_topup\": {}}", "auto_topup"),
        api(
            422,
            "",
            "PUT",
            "/v1/wallet/auto-topup",
            json,
            "{\"auto_topup\": {\"enabled\": true, \"threshold\": 5.00, \"amount\": 5.00}}",
            "auto_topup.amount"),
        api(
            422,
            "",
            "PUT",
            "/v1/wallet/auto-topup",
            json,
            "{\"auto_topup\": {\"threshold\": -5}}",
            "auto_topup.threshold"),
        api(
            422,
            "",
            "PUT",
            "/v1/wallet/auto-topup",
            json,
            "{\"auto_topup\": {\"enabled\": true}}",
            "auto_topup.threshold"),
        api(
            422,
            "",
            "PUT",
            "/v1/wallet/low-balance-alert",
            json,
            "{\"low_balance_alert\": {\"threshold\": 0.0000001}}",
            "low_balance_alert.threshold"),
        api(
            422,
            "",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"action\": \"explode\"}}",
            "spending_limit.action"),
        api(
            422,
            "",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"monthly_limit\": 1000000000000}}",
            "spending_limit.monthly_limit"),
        api(
            400,
            "exponent",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"monthly_limit\": 1e12}}",
            "spending_limit.monthly_limit"),
        api(
            400,
            "exponent",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"monthly_limit\": 2.5e0}}",
            "spending_limit.monthly_limit"),
        api(
            400,
            "more than once",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"monthly_limit\": 100, \"monthly_limit\": 1000}}",
            "spending_limit.monthly_limit"),
        api(
            400,
            "more than once",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"enabled\": false}, \"spending_limit\": {\"enabled\": true}}",
            "spending_limit"),
        api(
            400,
            "exponent",
            "PUT",
            "/v1/wallet/auto-topup",
            json,
            "{\"auto_topup\": {\"threshold\": 1E+1}}",
            "auto_topup.threshold"),
        api(
            400,
            "more than once",
            "PUT",
            "/v1/wallet/auto-topup",
            json,
            "{\"auto_topup\": {\"amount\": 25.00, \"enabled\": true, \"amount\": 400.00}}",
            "auto_topup.amount"),
        api(
            400,
            "exponent",
            "PUT",
            "/v1/wallet/low-balance-alert",
            json,
            "{\"low_balance_alert\": {\"threshold\": 1e1}}",
            "low_balance_alert.threshold"),
        api(
            400,
            "more than once",
            "PUT",
            "/v1/wallet/low-balance-alert",
            json,
            "{\"low_balance_alert\": {\"enabled\": true, \"enabled\": false}}",
            "low_balance_alert.enabled"),
        api(
            400,
            "",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"monthly_limit\": 100, \"action\": 5}}",
            "spending_limit.action"),
        // A monthly limit below 1.00 would block the account at (almost) no spend every month.
        api(
            422,
            "at least 1.00 USD",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"enabled\": true, \"monthly_limit\": 0}}",
            "spending_limit.monthly_limit"),
        api(
            422,
            "at least 1.00 USD",
            "PUT",
            "/v1/wallet/spending-limit",
            json,
            "{\"spending_limit\": {\"monthly_limit\": 0.000001}}",
            "spending_limit.monthly_limit"),
        new Case(new ApiKeyCase(null), 401, "Missing API key"),
        new Case(new ApiKeyCase("Bearer ask_" + "x".repeat(40)), 401, ""),
        new Case(new ApiKeyCase("Bearer ask_' OR '1'='1' --"), 401, ""),
        new Case(new ApiKeyCase("Basic b3duZXI6cGFzc3dvcmQ="), 401, ""),
        new Case(new ApiKeyCase("Bearer ask_" + "x".repeat(2_000)), 401, ""),
        // Stripe's webhooks: only a fresh delivery signed with our secret is read.
        new Case(new WebhookCase("signed with another secret"), 400, "signature"),
        new Case(new WebhookCase("signed an hour ago"), 400, "tolerance"),
        new Case(new WebhookCase("no signature header"), 400, "Stripe-Signature"),
        new Case(new WebhookCase("signature header of garbage"), 400, "signature"),
        new Case(new WebhookCase("payload changed after signing"), 400, "signature"),
        new Case(new WebhookCase("signed, but not JSON"), 400, ""),
        new Case(new WebhookCase("signed, without data.object"), 400, "data.object"),
        new Case(new WebhookCase("signed, without an event id"), 400, "no id"),
        new Case(new WebhookCase("signed, without api_version"), 400, "api_version"),
        new Case(new WebhookCase("signed, data.object is a customer"), 400, "checkout.session"),
        new Case(new WebhookCase("signed, a session without amount_total"), 400, "amount"),
        new Case(new WebhookCase("signed, a session in currency 'dollars'"), 400, "currency"),
        new Case(new WebhookCase("signed, a payment_intent without a status"), 400, "status"),
        // Signed and well formed, but not money this wallet may credit: acknowledged (200) so
        // Stripe stops retrying, nothing credited, one payment review opened for a person.
        new Case(new WebhookCase("paid in EUR for a USD top-up"), 200, "needs_review"),
        new Case(
            new WebhookCase("paid ¥2,500 (zero-decimal) for a $25 top-up"), 200, "needs_review"),
        new Case(new WebhookCase("paid $250 for a $25 top-up"), 200, "needs_review"),
        new Case(
            new WebhookCase("a second completion of a credited session, $499"),
            200,
            "needs_review"),
        new Case(
            new WebhookCase("a paid session of metadata.kind subscription"), 200, "needs_review"),
        new Case(new WebhookCase("a paid session this worker never started"), 200, "needs_review"),
        new Case(new WebhookCase("no webhook secret configured"), 503, "STRIPE_WEBHOOK_SECRET"),
        // The ops CLI: exit 2 for a wrong command line, 1 for a refusal; one line on stderr.
        cli(2, "usage", "bogus"),
        cli(2, "usage"),
        cli(2, "usage", "accounts", "create", "--name", "No Email"),
        cli(2, "usage", "accounts", "set", "ID"),
        cli(2, "usage", "accounts", "set", "ID", "--alert", "maybe"),
        cli(2, "usage", "accounts", "set", "ID", "--frobnicate", "1"),
        cli(2, "usage", "wallet", "usage", "ID"),
        cli(2, "usage", "wallet", "transactions", "ID", "--limit", "0"),
        cli(2, "usage", "wallet", "transactions", "ID", "--limit", "many"),
        cli(2, "usage", "accounts", "block", "ID"),
        cli(2, "usage", "jobs", "history", "low-balance-alerts", "--limit", "0"),
        cli(1, "invalid_request", "accounts", "create", "--email", "not-an-email"),
        cli(1, "invalid_request", "accounts", "create", "--email", "a@example.com\r\nBcc: x@y.z"),
        cli(1, "invalid_request", "accounts", "create", "--email", longText + "@example.com"),
        cli(
            1,
            "invalid_request",
            "accounts",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "Ada\r\nBcc: x@y.z"),
        cli(1, "invalid_request", "accounts", "create", "--email", "a@b.c", "--currency", "XYZ"),
        cli(1, "account_not_found", "accounts", "show", "acct_doesnotexist00"),
        cli(1, "account_not_found", "accounts", "show", "acct_' OR '1'='1"),
        cli(1, "account_not_found", "wallet", "usage", "acct_doesnotexist00", "--amount", "1"),
        cli(
            1,
            "account_not_found",
            "wallet",
            "usage",
            "x'; DROP TABLE wallets; --",
            "--amount",
            "1"),
        cli(1, "invalid_amount", "wallet", "usage", "ID", "--amount", "0"),
        cli(1, "invalid_amount", "wallet", "usage", "ID", "--amount", "-5"),
        cli(1, "invalid_amount", "wallet", "usage", "ID", "--amount", "NaN"),
        cli(1, "invalid_amount", "wallet", "usage", "ID", "--amount", "Infinity"),
        cli(1, "invalid_amount", "wallet", "usage", "ID", "--amount", "1e309"),
        cli(1, "invalid_amount", "wallet", "usage", "ID", "--amount", "0.0000001"),
        cli(1, "invalid_amount", "wallet", "usage", "ID", "--amount", "twelve"),
        cli(1, "insufficient_funds", "wallet", "usage", "ID", "--amount", "1000"),
        cli(
            1,
            "reference_conflict",
            "wallet",
            "usage",
            "ID",
            "--amount",
            "2",
            "--request-id",
            "seed-ref"),
        cli(
            1,
            "invalid_request",
            "wallet",
            "usage",
            "ID",
            "--amount",
            "1",
            "--description",
            "x\r\nBcc: a@b.c"),
        cli(1, "contact_sales", "wallet", "credit", "ID", "--amount", "500", "--type", "topup"),
        cli(
            1,
            "amount_below_minimum",
            "wallet",
            "credit",
            "ID",
            "--amount",
            "5",
            "--type",
            "topup"),
        cli(1, "invalid_request", "wallet", "credit", "ID", "--amount", "5", "--type", "usage"),
        cli(1, "invalid_request", "wallet", "credit", "ID", "--amount", "5", "--type", "gift"),
        cli(
            1,
            "invalid_request",
            "wallet",
            "credit",
            "ID",
            "--amount",
            "5",
            "--type",
            "refund",
            "--refers-to",
            "txn_of_another_account"),
        cli(1, "invalid_amount", "accounts", "set", "ID", "--topup-threshold", "-1"),
        cli(1, "amount_below_minimum", "accounts", "set", "ID", "--topup-amount", "9.99"),
        cli(1, "invalid_request", "accounts", "set", "ID", "--auto-topup", "on"),
        cli(1, "invalid_request", "accounts", "set", "ID", "--payment-method", "card_4242"),
        cli(1, "invalid_request", "accounts", "set", "ID", "--limit-action", "explode"),
        cli(1, "invalid_amount", "accounts", "set", "ID", "--limit", "on", "--monthly-limit", "0"),
        cli(1, "invalid_amount", "accounts", "set", "ID", "--monthly-limit", "0.000001"),
        cli(1, "invalid_amount", "accounts", "set", "ID", "--monthly-limit", "1E+1"),
        cli(1, "invalid_request", "accounts", "block", "ID", "--reason", "spending_limit"),
        cli(1, "invalid_request", "accounts", "block", "ID", "--reason", " "),
        cli(
            1,
            "account_not_found",
            "accounts",
            "block",
            "acct_doesnotexist00",
            "--reason",
            "fraud"),
        cli(1, "account_not_found", "accounts", "unblock", "acct_doesnotexist00"),
        cli(1, "", "jobs", "trigger", "no-such-job"),
        cli(1, "", "jobs", "pause", "'; DELETE FROM qrtz_triggers; --"),
        cli(1, "", "jobs", "resume", "'; DROP TABLE accounts; --"),
        cli(1, "", "jobs", "history", "no-such-job"),
        cli(2, "usage", "jobs", "trigger", "low-balance-alerts", "--wait", "--timeout", "soon"),
        cli(2, "usage", "jobs", "trigger", "low-balance-alerts", "--wait", "--timeout", "-5s"),
        cli(2, "usage", "jobs", "trigger"),
        cli(2, "usage", "jobs", "explode"),
        // The audit log: a bad operator is refused before the action runs (so no job is paused
        // and no row written); bad list filters are bad usage.
        cli(2, "usage", "audit", "list", "--limit", "0"),
        cli(2, "usage", "audit", "list", "--limit", "1001"),
        cli(2, "usage", "audit", "list", "--action", "explode"),
        cli(2, "usage", "audit", "explode"),
        cli(1, "invalid_request", "accounts", "block", "ID", "--reason", "x", "--operator", " "),
        cli(1, "invalid_request", "accounts", "unblock", "ID", "--operator", "ada\r\nmallory"),
        cli(1, "invalid_request", "accounts", "keys", "revoke", "ID", "--operator", longText),
        cli(1, "invalid_request", "jobs", "pause", "low-balance-alerts", "--operator", " "),
        cli(
            1,
            "invalid_request",
            "wallet",
            "credit",
            "ID",
            "--amount",
            "5",
            "--type",
            "refund",
            "--reason",
            longText),
        // Ops users: a name is checked before anything is opened; no password is asked for or
        // hashed for a name that is refused.
        cli(1, "invalid_request", "ops-users", "add", "Grace Hopper"),
        cli(1, "invalid_request", "ops-users", "add", ""),
        cli(1, "invalid_request", "ops-users", "add", "'; DROP TABLE ops_users; --"),
        cli(1, "invalid_request", "ops-users", "add", longText),
        cli(1, "invalid_request", "ops-users", "add", "grace", "--operator", " "),
        cli(1, "invalid_request", "ops-users", "remove", "nobody"),
        cli(1, "invalid_request", "ops-users", "remove", "Nobody!"),
        cli(2, "usage", "ops-users", "add"),
        cli(2, "usage", "ops-users", "explode"),
        // Configuration files (an operator's own, given with SPRING_CONFIG_ADDITIONAL_LOCATION):
        // refused at start, naming the setting.
        config(
            "wallet.jobs.auto-topup.cron: every minute", "is not a valid Quartz cron expression"),
        config("wallet.jobs.auto-topup.cron: '* * * * *'", "is not a valid Quartz cron expression"),
        config("wallet.jobs.no-such-job.cron: '0 * * * * ?'", "unknown jobs [no-such-job]"),
        config("wallet.mail.from: not an address", "MAIL_FROM is not a valid email address"),
        config(
            "wallet.mail.reply-to: \"a@b.c\\r\\nBcc: x@y.z\"",
            "MAIL_REPLY_TO is not a valid email address"),
        config("wallet.mail.username: billing", "SMTP_PASSWORD (wallet.mail.password) is missing"),
        config("wallet.stripe.api-key: pk_live_123", "must be a secret or restricted key"),
        config("wallet.topup.concurrency: 0", "AUTO_TOPUP_CONCURRENCY"),
        config("wallet.stripe.max-requests-per-second: -1", "STRIPE_MAX_REQUESTS_PER_SECOND"),
        config("wallet.topup.daily-cap: -1", "AUTO_TOPUP_DAILY_CAP"),
        config("wallet.topup.cooldown: -1h", "AUTO_TOPUP_COOLDOWN"),
        config("wallet.topup.give-up-after: 48h", "under 24h"),
        config("wallet.database.pool-size: ten", "wallet.database.pool-size"),
        config("wallet.database.pool-size: 1e309", "wallet.database.pool-size"),
        config("wallet.mail.initial-backoff: soon", "wallet.mail.initial-backoff"),
        config("wallet.mail.port: 70000", "SMTP_PORT"),
        config("wallet.time-zone: Mars/Olympus_Mons", "wallet.time-zone"),
        // The database counts months in UTC (recorded by the first process): another zone would
        // let a debit of the old month land after another process started the new one.
        config("wallet.time-zone: Europe/Paris", "counts calendar months in UTC"),
        config("wallet:\n  mail: [unclosed", "not valid YAML"));
  }

  // --- the ways in

  /** Something sent to the worker, and what it answered. */
  interface Input {
    String way();

    /** What the case needs in place before the "before" snapshot is taken. */
    default void prepare(BadInputIntegrationTest test) throws Exception {}

    Answer send(BadInputIntegrationTest test) throws Exception;
  }

  record Case(Input input, int code, String says) {
    @Override
    public String toString() {
      return input.toString();
    }
  }

  record Answer(int code, String message, String raw) {}

  private static Case api(
      int status,
      String says,
      String method,
      String path,
      String contentType,
      String body,
      String param) {
    return new Case(new ApiCase(method, path, contentType, body, param), status, says);
  }

  private static Case page(int status, String says, String method, String path, String... fields) {
    return new Case(new PageCase(method, path, List.of(fields)), status, says);
  }

  private static Case cli(int exit, String type, String... args) {
    return new Case(new CliCase(type, List.of(args)), exit, "");
  }

  private static Case config(String yaml, String says) {
    return new Case(new ConfigCase(yaml), 1, says);
  }

  private static Case usage(
      int status, String says, String contentType, String body, String param) {
    return new Case(new UsageCase(null, contentType, body, null, param), status, says);
  }

  /** One event alone in a batch: answered 200, its result {@code status}. */
  private static Case event(String status, String says, String event, String param) {
    return new Case(
        new UsageCase(null, "application/json", "{\"events\": [" + event + "]}", status, param),
        200,
        says);
  }

  private static Case meteringKey(String which, String method, String path, int code, String says) {
    String body =
        method.equals("GET")
            ? null
            : "{\"events\": [{\"id\": \"req_1\", \"account_id\": \"ID\", \"amount\": 0.25}]}";
    return new Case(
        new UsageCase(which, "application/json", body, null, null, method, path), code, says);
  }

  private static Case hold(
      int status, String says, String method, String path, String body, String param) {
    return holdAfter(HoldSetup.NONE, status, says, method, path, body, param);
  }

  private static Case holdAfter(
      HoldSetup setup,
      int status,
      String says,
      String method,
      String path,
      String body,
      String param) {
    return new Case(
        new HoldCase(setup, method, path, "application/json", body, param, "service"),
        status,
        says);
  }

  /** What a hold case needs in place before the snapshot. */
  enum HoldSetup {
    NONE,
    /** A hold of 2.00 on the account, and another account. */
    HELD,
    RELEASED,
    CAPTURED,
    BLOCKED,
    /** A blocking limit of 5.00 (1.00 is spent this month). */
    LIMITED
  }

  /** A request to the holds API with a service key (or the {@code key} named). */
  record HoldCase(
      HoldSetup setup,
      String method,
      String path,
      String contentType,
      String body,
      String param,
      String key)
      implements Input {

    @Override
    public String way() {
      return "holds API";
    }

    @Override
    public void prepare(BadInputIntegrationTest test) {
      Clock clock = Clock.systemUTC();
      test.otherAccount =
          new Accounts(db.database(), clock).create("other@example.com", null, null).account().id();
      dev.walletworker.holds.HoldTransfers transfers =
          new dev.walletworker.holds.HoldTransfers(
              db.database(),
              new dev.walletworker.holds.Holds(db.database()),
              new dev.walletworker.account.Wallets(db.database()),
              new ModelPrices(db.database(), clock),
              clock);
      switch (setup) {
        case NONE -> {}
        case BLOCKED -> new Accounts(db.database(), clock).block(test.account, "fraud review");
        case LIMITED ->
            new Accounts(db.database(), clock)
                .updateSettings(
                    test.account,
                    new dev.walletworker.account.SettingsChange()
                        .limitEnabled(true)
                        .monthlyLimit(new BigDecimal("5.00")));
        default -> {
          test.hold =
              transfers
                  .hold(
                      new dev.walletworker.holds.HoldTransfers.NewHold(
                          "prepared", test.account, null, null, null, new BigDecimal("2.00"), null))
                  .hold()
                  .id();
          if (setup == HoldSetup.RELEASED) {
            transfers.release(test.hold, null);
          } else if (setup == HoldSetup.CAPTURED) {
            transfers.capture(
                test.hold,
                null,
                new dev.walletworker.holds.HoldTransfers.Actual(
                    null, null, null, new BigDecimal("1.50")));
          }
        }
      }
    }

    @Override
    public Answer send(BadInputIntegrationTest test) throws Exception {
      String sent =
          body == null
              ? null
              : body.replace("\"ID\"", "\"" + test.account + "\"")
                  .replace("\"OTHER\"", "\"" + test.otherAccount + "\"");
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path.replace("HOLD", String.valueOf(test.hold))))
              .method(
                  method,
                  sent == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(sent));
      switch (key) {
        case "owner" -> request.header("Authorization", "Bearer " + test.key);
        case "none" -> {}
        default -> request.header("Authorization", "Bearer " + test.serviceKey);
      }
      if (sent != null && contentType != null) {
        request.header("Content-Type", contentType);
      }
      return exchange(request, param);
    }

    @Override
    public String toString() {
      String shown = body == null ? "" : " " + shorten(body, 120, 100, "bytes");
      return method
          + " "
          + path
          + (setup == HoldSetup.NONE
              ? ""
              : " (" + setup.name().toLowerCase(java.util.Locale.ROOT) + " hold)")
          + (key.equals("service") ? "" : " with " + key + " key")
          + (contentType == null
              ? " without Content-Type"
              : contentType.equals("application/json") ? "" : " as " + contentType)
          + shown;
    }
  }

  /**
   * A request to the metering API, with a service key unless {@code key} names another. {@code
   * eventStatus}: the request is answered 200 and its one event has this status; otherwise the
   * answer is an error. In the body and path, {@code ID} is the account and {@code DAYS_AGO_n} /
   * {@code MINUTES_AHEAD_n} are timestamps relative to now.
   */
  record UsageCase(
      String key,
      String contentType,
      String body,
      String eventStatus,
      String param,
      String method,
      String path)
      implements Input {

    UsageCase(String key, String contentType, String body, String eventStatus, String param) {
      this(key, contentType, body, eventStatus, param, "POST", "/v1/usage");
    }

    @Override
    public String way() {
      return "metering API";
    }

    @Override
    public Answer send(BadInputIntegrationTest test) throws Exception {
      Instant now = Instant.now();
      String sent =
          body == null
              ? null
              : body.replace("\"ID\"", "\"" + test.account + "\"")
                  .replace("DAYS_AGO_2", now.minus(Duration.ofDays(2)).toString())
                  .replace("DAYS_AGO_36", now.minus(Duration.ofDays(36)).toString())
                  .replace("MINUTES_AHEAD_10", now.plus(Duration.ofMinutes(10)).toString());
      String authorization =
          key == null
              ? "Bearer " + test.serviceKey
              : switch (key) {
                case "an owner key (ask_…)" -> "Bearer " + test.key;
                case "a revoked service key" -> "Bearer " + test.revokedServiceKey;
                case "an unknown service key" -> "Bearer wsk_" + "x".repeat(40);
                case "no Authorization header" -> null;
                default -> "Bearer " + test.serviceKey;
              };
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path.replace("/ID/", "/" + test.account + "/")))
              .method(
                  method,
                  sent == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(sent));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      if (contentType != null && sent != null) {
        request.header("Content-Type", contentType);
      }
      if (eventStatus == null) {
        return exchange(request, param);
      }
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode results = JSON.readTree(response.body()).get("results");
      assertThat(results).as(response.body()).hasSize(1);
      JsonNode result = results.get(0);
      assertThat(result.get("status").asString()).as(response.body()).isEqualTo(eventStatus);
      assertThat(result.get("transaction_id").isNull()).as(response.body()).isTrue();
      JsonNode error = result.get("error");
      assertThat(error.get("type").asString()).as(response.body()).isIn(API_ERROR_TYPES);
      assertThat(error.get("message").asString()).as(response.body()).isNotBlank();
      if (param != null) {
        assertThat(error.get("param").asString()).as(response.body()).startsWith(param);
      }
      return new Answer(200, eventStatus + ": " + error.get("message").asString(), response.body());
    }

    @Override
    public String toString() {
      String shown = body == null ? "" : " " + shorten(body, 120, 100, "bytes");
      return method
          + " "
          + path
          + (key == null ? "" : " with " + key)
          + (contentType == null || contentType.equals("application/json")
              ? ""
              : " as " + contentType)
          + shown;
    }
  }

  record ApiCase(String method, String path, String contentType, String body, String param)
      implements Input {
    @Override
    public String way() {
      return "API";
    }

    @Override
    public Answer send(BadInputIntegrationTest test) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Authorization", "Bearer " + test.key)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      return exchange(request, param);
    }

    @Override
    public String toString() {
      String shown = body == null ? "" : " " + shorten(body, 80, 60, "bytes");
      return method
          + " "
          + path
          + (contentType == null || contentType.equals("application/json")
              ? ""
              : " as " + contentType)
          + shown;
    }
  }

  /**
   * A billing page's form or address, sent by a signed-in owner with the page's CSRF token (unless
   * the fields bring their own). The answer's message is the error the page shows.
   */
  record PageCase(String method, String path, List<String> fields) implements Input {
    private static final java.util.regex.Pattern SHOWN =
        java.util.regex.Pattern.compile("(?:class=\"error\"[^>]*|id=\"message\")>([^<]+)<");

    @Override
    public String way() {
      return "billing page";
    }

    @Override
    public void prepare(BadInputIntegrationTest test) throws Exception {
      test.browser = dev.walletworker.worker.billing.SignedIn.owner(db, base, "owner@example.com");
    }

    @Override
    public Answer send(BadInputIntegrationTest test) throws Exception {
      Map<String, String> form = new java.util.LinkedHashMap<>();
      for (int i = 0; i < fields.size(); i += 2) {
        form.put(fields.get(i), fields.get(i + 1));
      }
      HttpResponse<String> response =
          method.equals("GET") ? test.browser.get(path) : test.browser.post(path, form);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .as(response.body())
          .startsWith("text/html");
      java.util.regex.Matcher shown = SHOWN.matcher(response.body());
      String message =
          shown.find() ? org.springframework.web.util.HtmlUtils.htmlUnescape(shown.group(1)) : "";
      return new Answer(response.statusCode(), message, response.body());
    }

    @Override
    public String toString() {
      return method + " " + path + (fields.isEmpty() ? "" : " " + fields);
    }
  }

  record ApiKeyCase(String authorization) implements Input {
    @Override
    public String way() {
      return "API";
    }

    @Override
    public Answer send(BadInputIntegrationTest test) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/wallet/balance"));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      return exchange(request, null);
    }

    @Override
    public String toString() {
      String shown =
          authorization == null
              ? "no Authorization header"
              : "Authorization: " + shorten(authorization, 60, 40, "chars");
      return "GET /v1/wallet/balance with " + shown;
    }
  }

  /** Sends the request; the answer must be a JSON error, naming {@code param} when given. */
  private static Answer exchange(HttpRequest.Builder request, String param) throws Exception {
    HttpRequest sent = request.build();
    HttpResponse<String> response = HTTP.send(sent, HttpResponse.BodyHandlers.ofString());
    JsonNode error = apiError(response);
    assertThat(error.get("type").asString()).as(response.body()).isIn(API_ERROR_TYPES);
    if (param != null) {
      assertThat(error.get("param").asString()).as(response.body()).startsWith(param);
    }
    return new Answer(response.statusCode(), error.get("message").asString(), response.body());
  }

  private static JsonNode apiError(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .as(response.body())
        .startsWith("application/json");
    JsonNode body = JSON.readTree(response.body());
    JsonNode error = body.get("error");
    assertThat(error).as(response.body()).isNotNull();
    assertThat(error.get("type").asString()).as(response.body()).isNotBlank();
    return error;
  }

  record WebhookCase(String what) implements Input {
    @Override
    public String way() {
      return "webhook";
    }

    @Override
    public void prepare(BadInputIntegrationTest test) throws Exception {
      if (what.startsWith("paid") || what.startsWith("a second completion")) {
        test.session = test.startTopUp("25.00");
      }
      if (what.startsWith("a second completion")) {
        stripe.completeCheckout(test.session);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"credited".equals(test.checkoutStatus()) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(test.checkoutStatus()).isEqualTo("credited");
      }
    }

    @Override
    public Answer send(BadInputIntegrationTest test) throws Exception {
      String event = "evt_bad_" + System.nanoTime();
      String session =
          "{\"id\":\"cs_forged\",\"object\":\"checkout.session\",\"amount_total\":49900,"
              + "\"currency\":\"usd\",\"payment_status\":\"paid\",\"metadata\":{\"account_id\":\""
              + test.account
              + "\"}}";
      String type = "checkout.session.completed";
      String apiVersion = ",\"api_version\":\"2026-07-29.dahlia\"";
      String id = "\"id\":\"" + event + "\",";
      switch (what) {
        case "signed, without data.object" -> session = null;
        case "signed, without an event id" -> id = "";
        case "signed, without api_version" -> apiVersion = "";
        case "signed, data.object is a customer" ->
            session = "{\"id\":\"cus_1\",\"object\":\"customer\",\"email\":\"a@b.c\"}";
        case "signed, a session without amount_total" ->
            session = session.replace("\"amount_total\":49900,", "");
        case "signed, a session in currency 'dollars'" ->
            session = session.replace("\"usd\"", "\"dollars\"");
        case "signed, a payment_intent without a status" -> {
          type = "payment_intent.succeeded";
          session = "{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"amount\":2500}";
        }
        case "paid in EUR for a USD top-up" ->
            session = test.paidSession("\"currency\":\"eur\",\"amount_total\":2500");
        case "paid ¥2,500 (zero-decimal) for a $25 top-up" ->
            session = test.paidSession("\"currency\":\"jpy\",\"amount_total\":2500");
        case "paid $250 for a $25 top-up" ->
            session = test.paidSession("\"currency\":\"usd\",\"amount_total\":25000");
        case "a second completion of a credited session, $499" ->
            session = test.paidSession("\"currency\":\"usd\",\"amount_total\":49900");
        case "a paid session of metadata.kind subscription" ->
            session = session.replace("\"metadata\":{", "\"metadata\":{\"kind\":\"subscription\",");
        case "a paid session this worker never started" -> {}
        default -> {
          return legacy(test);
        }
      }
      String payload =
          "{"
              + id
              + "\"object\":\"event\",\"type\":\""
              + type
              + "\""
              + apiVersion
              + ",\"created\":1,\"data\":"
              + (session == null ? "{}" : "{\"object\":" + session + "}")
              + "}";
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + "/v1/webhooks/stripe"))
              .header("Content-Type", "application/json")
              .header(
                  "Stripe-Signature",
                  StripeEmulator.signature(payload, System.currentTimeMillis() / 1000, SECRET))
              .POST(HttpRequest.BodyPublishers.ofString(payload));
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        JsonNode body = JSON.readTree(response.body());
        return new Answer(200, "received: " + body.get("result").asString(), response.body());
      }
      JsonNode error = apiError(response);
      return new Answer(response.statusCode(), error.get("message").asString(), response.body());
    }

    private Answer legacy(BadInputIntegrationTest test) throws Exception {
      String payload =
          "{\"id\":\"evt_forged\",\"object\":\"event\",\"type\":\"checkout.session.completed\","
              + "\"api_version\":\"2026-07-29.dahlia\",\"created\":1,\"data\":{\"object\":{"
              + "\"id\":\"cs_forged\",\"object\":\"checkout.session\",\"amount_total\":49900,"
              + "\"currency\":\"usd\",\"payment_status\":\"paid\",\"metadata\":{\"account_id\":\""
              + test.account
              + "\"}}}}";
      long now = System.currentTimeMillis() / 1000;
      String target = base;
      String signature;
      switch (what) {
        case "signed with another secret" ->
            signature = StripeEmulator.signature(payload, now, "whsec_wrong");
        case "signed an hour ago" ->
            signature = StripeEmulator.signature(payload, now - 3600, SECRET);
        case "no signature header" -> signature = null;
        case "signature header of garbage" -> signature = "t=abc,v1=<script>";
        case "payload changed after signing" -> {
          signature = StripeEmulator.signature(payload, now, SECRET);
          payload = payload.replace("49900", "1");
        }
        case "signed, but not JSON" -> {
          payload = "not json";
          signature = StripeEmulator.signature(payload, now, SECRET);
        }
        case "no webhook secret configured" -> {
          signature = StripeEmulator.signature(payload, now, SECRET);
          target = withoutWebhookSecret();
        }
        default -> throw new IllegalArgumentException(what);
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(target + "/v1/webhooks/stripe"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(payload));
      if (signature != null) {
        request.header("Stripe-Signature", signature);
      }
      return exchange(request, null);
    }

    @Override
    public String toString() {
      return "POST /v1/webhooks/stripe, " + what;
    }
  }

  private static synchronized String withoutWebhookSecret() {
    if (appWithoutSecret == null) {
      appWithoutSecret = daemon("");
    }
    return ApiNode.base(appWithoutSecret);
  }

  record CliCase(String type, List<String> args) implements Input {
    @Override
    public String way() {
      return "CLI";
    }

    @Override
    public Answer send(BadInputIntegrationTest test) {
      String[] argv =
          args.stream().map(a -> a.equals("ID") ? test.account : a).toArray(String[]::new);
      Cli.Result plain = cli(Map.of(), argv);
      Cli.Result json =
          cli(Map.of(), Stream.concat(Stream.of(argv), Stream.of("--json")).toArray(String[]::new));
      assertThat(plain.out()).as(plain.err()).isEmpty();
      assertThat(plain.err()).startsWith("error: ").hasLineCount(1);
      assertThat(json.code()).isEqualTo(plain.code());
      if (!type.isEmpty()) {
        JsonNode error = JSON.readTree(json.out()).get("error");
        assertThat(error.get("type").asString()).as(json.out()).isEqualTo(type);
        assertThat(error.get("message").asString()).isNotBlank();
      }
      return new Answer(plain.code(), plain.err().strip(), plain.err());
    }

    @Override
    public String toString() {
      return "bin/worker "
          + String.join(
              " ",
              args.stream()
                  .map(a -> shorten(a, 40, 20, "chars"))
                  .map(a -> a.contains(" ") || a.isEmpty() || a.contains("'") ? "\"" + a + "\"" : a)
                  .toList());
    }
  }

  record ConfigCase(String yaml) implements Input {
    @Override
    public String way() {
      return "config file";
    }

    @Override
    public Answer send(BadInputIntegrationTest test) throws Exception {
      Path file = Files.createTempFile(configDir, "bad-input", ".yml");
      Files.writeString(file, yaml + "\n");
      Cli.Result output =
          cli(Map.of("spring.config.additional-location", "file:" + file), "jobs", "list");
      assertThat(output.err()).startsWith("error: ").hasLineCount(1);
      return new Answer(output.code(), output.err().strip(), output.err());
    }

    @Override
    public String toString() {
      return yaml.replace("\n", " ⏎ ");
    }
  }

  private static Cli.Result cli(Map<String, String> config, String... args) {
    return new Cli(db).runWith(config, args);
  }

  /** {@code text}, or its first {@code keep} characters and its length when over {@code max}. */
  private static String shorten(String text, int max, int keep, String unit) {
    return text.length() > max
        ? text.substring(0, keep) + "… (" + text.length() + " " + unit + ")"
        : text;
  }

  private static String cell(String text) {
    String oneLine = text.replace("\r", "\\r").replace("\n", "\\n").replace("|", "\\|");
    return oneLine.length() > 160 ? oneLine.substring(0, 150) + "…" : oneLine;
  }
}
