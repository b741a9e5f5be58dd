package dev.walletworker.worker.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.ledger.BonusTiers;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.topup.CheckoutTopUps;
import dev.walletworker.worker.ApiNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The billing pages over real HTTP, from the outside: sign-in by link (read from the outbox; the
 * browser test reads it from the SMTP server), sessions, CSRF, headers, one account's session
 * against another's ids, and what the log is never told.
 */
@ExtendWith(OutputCaptureExtension.class)
class BillingPagesIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{43})");
  private static ConfigurableApplicationContext app;
  private static String base;

  private final Clock clock = Clock.systemUTC();
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final ApiKeys keys = new ApiKeys(db.database(), clock);
  private String ada;
  private String bob;

  @BeforeAll
  static void start() {
    // Everything at INFO, as a production daemon logs: what the log must never be told is checked
    // against all of it.
    app = ApiNode.start(db, "--wallet.billing.sign-in-max-requests=3", "--logging.level.root=INFO");
    base = ApiNode.base(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void givenTwoAccounts() {
    ada = accounts.create("ada@example.com", "Ada", null).account().id();
    bob = accounts.create("bob@example.com", "Bob", null).account().id();
    ledger.credit(ada, new BigDecimal("42.50"), TransactionType.TOPUP, "Opening", null);
  }

  @Test
  void pagesNeedASignInAndTheApiIsUnchanged() throws Exception {
    BillingClient browser = new BillingClient(base);

    var overview = browser.get("/billing");
    assertThat(overview.statusCode()).isEqualTo(302);
    assertThat(overview.headers().firstValue("Location").orElseThrow())
        .endsWith("/billing/sign-in");

    // The API still answers with its own key auth, and makes no session.
    String key = keys.issue(ada);
    HttpResponse<String> api =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/v1/wallet/balance"))
                    .header("Authorization", "Bearer " + key)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(api.body())
        .isEqualTo("{\"balance\":42.50,\"currency\":\"USD\",\"available\":42.50,\"held\":0.00}");
    assertThat(api.headers().allValues("Set-Cookie")).isEmpty();
    HttpResponse<String> noKey =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/v1/wallet/balance")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(noKey.statusCode()).isEqualTo(401);
  }

  @Test
  void theOverviewShowsAvailableAndHeldBesideTheBalanceOnceSomethingIsHeld() throws Exception {
    SignedIn owner = SignedIn.owner(db, base, "ada@example.com");
    assertThat(owner.get("/billing").body()).contains("$42.50").doesNotContain("id=\"held\"");

    new dev.walletworker.holds.HoldTransfers(
            db.database(),
            new dev.walletworker.holds.Holds(db.database()),
            new dev.walletworker.account.Wallets(db.database()),
            new dev.walletworker.metering.ModelPrices(db.database(), clock),
            clock)
        .hold(
            new dev.walletworker.holds.HoldTransfers.NewHold(
                "req_1", ada, null, null, null, new BigDecimal("12.25"), null));

    String page = owner.get("/billing").body();
    assertThat(page)
        .contains("id=\"balance\">$42.50<")
        .contains("id=\"available\">$30.25<")
        .contains("id=\"held\">$12.25<");
  }

  @Test
  void pagesSendStrictHeaders() throws Exception {
    var page = new BillingClient(base).get("/billing/sign-in");

    assertThat(page.statusCode()).isEqualTo(200);
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("same-origin");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.body()).doesNotContain("<script>").doesNotContain(" style=");
    String cookie =
        page.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("wallet_session="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax");
  }

  @Test
  void signInByLinkRotatesTheSessionAndTheLinkWorksOnce(CapturedOutput output) throws Exception {
    BillingClient browser = new BillingClient(base);
    browser.get("/billing/sign-in");
    String before = browser.session();
    var sent = browser.post("/billing/sign-in", Map.of("email", "Ada@Example.com"));
    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(sent.body()).contains("Check your email");
    String token = linkToken(ada);

    browser.get("/billing/sign-in/link?token=" + token);
    assertThat(browser.session()).isEqualTo(before);
    var signedIn = browser.post("/billing/sign-in/link", Map.of("token", token));
    assertThat(signedIn.statusCode()).isEqualTo(302);
    assertThat(signedIn.headers().firstValue("Location").orElseThrow()).endsWith("/billing");
    String after = browser.session();
    assertThat(after).isNotNull().isNotEqualTo(before);

    var overview = browser.get("/billing");
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("$42.50").contains("Ada");

    // The same link again, in another browser: refused.
    BillingClient other = new BillingClient(base);
    other.get("/billing/sign-in/link?token=" + token);
    assertThat(other.post("/billing/sign-in/link", Map.of("token", token)).statusCode())
        .isEqualTo(400);
    assertThat(other.lastPage).contains("already used, has expired or is not valid");
    assertThat(other.get("/billing").statusCode()).isEqualTo(302);

    // Sign-out ends the session.
    browser.get("/billing");
    assertThat(browser.post("/billing/sign-out", Map.of()).statusCode()).isEqualTo(302);
    assertThat(browser.get("/billing").statusCode()).isEqualTo(302);

    // Nothing secret reached the log: not the link's token, nor either session id.
    assertThat(output.getAll())
        .contains("billing sign-in account=" + ada)
        .doesNotContain(token)
        .doesNotContain(before)
        .doesNotContain(after);
  }

  @Test
  void anUnknownAddressGetsTheSameAnswerAndNoMail() throws Exception {
    BillingClient browser = new BillingClient(base);
    browser.get("/billing/sign-in");
    var known = browser.post("/billing/sign-in", Map.of("email", "bob@example.com"));
    browser.get("/billing/sign-in");
    var unknown = browser.post("/billing/sign-in", Map.of("email", "nobody@example.com"));

    assertThat(unknown.statusCode()).isEqualTo(known.statusCode()).isEqualTo(200);
    assertThat(strip(unknown.body(), "nobody@example.com"))
        .isEqualTo(strip(known.body(), "bob@example.com"));
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM mail_outbox WHERE kind = 'sign_in_link'")
                .query(Integer.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void anExpiredOrAlteredLinkIsRefused() throws Exception {
    BillingClient browser = new BillingClient(base);
    browser.get("/billing/sign-in");
    browser.post("/billing/sign-in", Map.of("email", "ada@example.com"));
    String token = linkToken(ada);

    String altered = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
    browser.get("/billing/sign-in/link?token=" + altered);
    assertThat(browser.post("/billing/sign-in/link", Map.of("token", altered)).statusCode())
        .isEqualTo(400);

    db.jdbc().sql("UPDATE sign_in_links SET expires_at = now() - interval '1 second'").update();
    browser.get("/billing/sign-in/link?token=" + token);
    assertThat(browser.post("/billing/sign-in/link", Map.of("token", token)).statusCode())
        .isEqualTo(400);
    assertThat(browser.get("/billing").statusCode()).isEqualTo(302);
  }

  @Test
  void signInRequestsAreRateLimitedPerAddress() throws Exception {
    BillingClient browser = new BillingClient(base);
    for (int i = 0; i < 3; i++) {
      browser.get("/billing/sign-in");
      assertThat(browser.post("/billing/sign-in", Map.of("email", "ada@example.com")).statusCode())
          .isEqualTo(200);
    }
    browser.get("/billing/sign-in");
    var refused = browser.post("/billing/sign-in", Map.of("email", "ADA@example.com"));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.body()).contains("Too many sign-in links");
    // Unknown addresses are limited the same way; another address is not affected.
    for (int i = 0; i < 3; i++) {
      browser.get("/billing/sign-in");
      browser.post("/billing/sign-in", Map.of("email", "ghost@example.com"));
    }
    browser.get("/billing/sign-in");
    assertThat(browser.post("/billing/sign-in", Map.of("email", "ghost@example.com")).statusCode())
        .isEqualTo(429);
    browser.get("/billing/sign-in");
    assertThat(browser.post("/billing/sign-in", Map.of("email", "bob@example.com")).statusCode())
        .isEqualTo(200);
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM mail_outbox WHERE kind = 'sign_in_link'")
                .query(Integer.class)
                .single())
        .isEqualTo(4);
  }

  @Test
  void aFormWithoutItsCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    BillingClient browser = signedIn("ada@example.com", ada);

    var refused =
        browser.postRaw(
            "/billing/settings/low-balance-alert", Map.of("enabled", "true", "threshold", "5"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(accounts.get(ada).wallet().lowBalanceAlert().enabled()).isFalse();

    // A sign-in request without its token is refused too (no mail).
    BillingClient anonymous = new BillingClient(base);
    assertThat(
            anonymous.postRaw("/billing/sign-in", Map.of("email", "ada@example.com")).statusCode())
        .isEqualTo(403);

    // With it, the same form works.
    browser.get("/billing/settings");
    var saved =
        browser.post(
            "/billing/settings/low-balance-alert", Map.of("enabled", "true", "threshold", "5"));
    assertThat(saved.statusCode()).isEqualTo(302);
    assertThat(accounts.get(ada).wallet().lowBalanceAlert().enabled()).isTrue();
  }

  @Test
  void aFormSentAfterItsSessionEndedAsksToSignInAgainAndChangesNothing() throws Exception {
    BillingClient browser = signedIn("ada@example.com", ada);
    browser.get("/billing/settings");
    // The session ends (as after SESSION_TIMEOUT) while the page is open.
    db.jdbc().sql("DELETE FROM spring_session").update();

    var answer =
        browser.post(
            "/billing/settings/low-balance-alert", Map.of("enabled", "true", "threshold", "5"));

    assertThat(answer.statusCode()).isEqualTo(302);
    assertThat(answer.headers().firstValue("Location").orElseThrow())
        .endsWith("/billing/sign-in?expired");
    assertThat(accounts.get(ada).wallet().lowBalanceAlert().enabled()).isFalse();
    assertThat(browser.get("/billing/sign-in?expired").body()).contains("Your session ended");
  }

  @Test
  void oneOwnersSessionNeverReachesAnotherAccount() throws Exception {
    // Bob's things: a top-up, a key, a ledger row, a payment waiting for authentication.
    CheckoutTopUps checkouts = new CheckoutTopUps(db.database(), clock);
    String bobsTopUp = checkouts.start(bob, BonusTiers.quote(new BigDecimal("100")), "USD").id();
    String bobsKey = keys.issue(bob);
    String bobsKeyId = keys.active(bob).get(0).id();
    String bobsTxn =
        ledger
            .credit(bob, new BigDecimal("7"), TransactionType.REFUND, "Bob's own", null)
            .transaction()
            .id();
    db.jdbc()
        .sql(
            "INSERT INTO topup_attempts (id, account_id, status, amount, currency,"
                + " stripe_customer_id, payment_method_id, idempotency_key, payment_intent_id,"
                + " next_try_at, created_at, updated_at) VALUES ('tpa_bbbbbbbbbbbbbbbbbbbbbbbb',"
                + " ?, 'requires_action', 25, 'USD', 'cus_bob', 'pm_bob', 'idem-bob', 'pi_bobs',"
                + " now(), now(), now())")
        .param(bob)
        .update();

    BillingClient adas = signedIn("ada@example.com", ada);

    assertThat(adas.get("/billing/top-up/" + bobsTopUp).statusCode()).isEqualTo(404);
    assertThat(adas.get("/billing/confirm-payment?payment_intent=pi_bobs").statusCode())
        .isEqualTo(404);
    assertThat(adas.lastPage).doesNotContain("secret");
    assertThat(adas.get("/billing/transactions?after=" + bobsTxn).statusCode()).isEqualTo(400);
    assertThat(adas.lastPage).doesNotContain("Bob");
    adas.get("/billing/api-keys");
    adas.post("/billing/api-keys/revoke", Map.of("id", bobsKeyId));
    assertThat(adas.lastPage).contains("No such active key on this account.");
    assertThat(keys.accountFor(bobsKey)).contains(bob);
    assertThat(adas.get("/billing/transactions").body())
        .contains("Opening")
        .doesNotContain("Bob&#39;s own")
        .doesNotContain("Bob's own");
    assertThat(adas.get("/billing/transactions.csv?month=" + java.time.YearMonth.now(clock)).body())
        .contains("Opening")
        .doesNotContain("Bob");
    // A form field naming another account is not a thing: the session decides the account.
    adas.get("/billing/settings");
    adas.post(
        "/billing/settings/low-balance-alert",
        Map.of("enabled", "true", "threshold", "5", "account", bob));
    assertThat(accounts.get(bob).wallet().lowBalanceAlert().enabled()).isFalse();
    assertThat(accounts.get(ada).wallet().lowBalanceAlert().enabled()).isTrue();
  }

  @Test
  void settingsFormsUseTheApisRulesAndShowErrorsBesideTheirField() throws Exception {
    BillingClient browser = signedIn("ada@example.com", ada);
    browser.get("/billing/settings");

    var refused =
        browser.post(
            "/billing/settings/spending-limit",
            Map.of("enabled", "true", "monthly_limit", "0.50", "action", "block"));

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("id=\"limit-monthly-error\"").contains("value=\"0.50\"");
    assertThat(accounts.get(ada).wallet().spendingLimit().enabled()).isFalse();

    browser.post(
        "/billing/settings/spending-limit",
        Map.of("enabled", "true", "monthly_limit", "80", "action", "alert"));
    assertThat(browser.get("/billing/settings?saved=spending_limit").body())
        .contains("Spending limit saved.")
        .contains("value=\"80.00\"");
    assertThat(accounts.get(ada).wallet().spendingLimit().monthlyLimit())
        .isEqualByComparingTo("80");
  }

  @Test
  void anApiKeyIsShownOnceAndNeverLogged(CapturedOutput output) throws Exception {
    BillingClient browser = signedIn("ada@example.com", ada);
    browser.get("/billing/api-keys");

    var created = browser.post("/billing/api-keys", Map.of());
    Matcher key = Pattern.compile("value=\"(ask_[A-Za-z0-9]+)\"").matcher(created.body());
    assertThat(key.find()).isTrue();
    assertThat(created.headers().firstValue("Cache-Control").orElse("")).contains("no-store");

    assertThat(browser.get("/billing/api-keys").body())
        .doesNotContain(key.group(1))
        .contains("<td>never</td>");
    assertThat(keys.accountFor(key.group(1))).contains(ada);
    assertThat(output.getAll()).doesNotContain(key.group(1));

    // Used once through the API: the page says when.
    HttpResponse<String> api =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/v1/wallet/balance"))
                    .header("Authorization", "Bearer " + key.group(1))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(browser.get("/billing/api-keys").body())
        .doesNotContain("<td>never</td>")
        .contains("Last used");
  }

  private BillingClient signedIn(String email, String account) throws Exception {
    BillingClient browser = new BillingClient(base);
    browser.get("/billing/sign-in");
    browser.post("/billing/sign-in", Map.of("email", email));
    String token = linkToken(account);
    browser.get("/billing/sign-in/link?token=" + token);
    assertThat(browser.post("/billing/sign-in/link", Map.of("token", token)).statusCode())
        .isEqualTo(302);
    return browser;
  }

  /** The token of the newest sign-in email queued for {@code account}. */
  private static String linkToken(String account) {
    List<String> payloads =
        db.jdbc()
            .sql(
                "SELECT payload::text FROM mail_outbox WHERE kind = 'sign_in_link'"
                    + " AND account_id = ? ORDER BY id DESC")
            .param(account)
            .query(String.class)
            .list();
    assertThat(payloads).isNotEmpty();
    Matcher m = TOKEN.matcher(payloads.get(0));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String strip(String page, String email) {
    return page.replace(email, "EMAIL").replaceAll("value=\"[^\"]{20,}\"", "value=\"TOKEN\"");
  }
}
