package dev.walletworker.worker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.WalletException;
import dev.walletworker.account.AccountStatus;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.Wallets;
import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.holds.Hold;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.ledger.WalletTransaction;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.ops.OpsUsers;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.ApiNode;
import dev.walletworker.worker.billing.BillingClient;
import dev.walletworker.worker.scheduling.StoredSchedules;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
 * The ops console over real HTTP against the daemon's application: only on the management port,
 * only from this host, only signed in (name and password from {@code ops_users}), CSRF on every
 * form, sessions that end when idle; and each button does what the CLI does, with its audit row
 * naming the signed-in user.
 */
@ExtendWith(OutputCaptureExtension.class)
class OpsConsoleIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String PASSWORD = "correct horse battery";
  private static final int TIMEOUT_SECONDS = 6;
  private static ConfigurableApplicationContext app;
  private static String console;
  private static String api;
  private static int managementPort;

  private final Clock clock = Clock.systemUTC();
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final AuditLog audit = new AuditLog(db.database(), clock);
  private final MailOutbox mail = new MailOutbox(db.database(), clock);
  private String ada;

  @BeforeAll
  static void start() {
    // Listening on every address, so that a client that is not on this host can reach it and be
    // refused by the console itself.
    app =
        ApiNode.start(
            db,
            "--management.server.address=0.0.0.0",
            "--wallet.ops.session-timeout=" + TIMEOUT_SECONDS + "s",
            "--logging.level.root=INFO");
    managementPort = Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
    console = "http://127.0.0.1:" + managementPort;
    api = ApiNode.base(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void givenAnOpsUserAndAnAccount() {
    new OpsUsers(db.database(), clock).add("grace", OpsPasswords.encoder().encode(PASSWORD));
    ada = accounts.create("ada@example.com", "Ada", null).account().id();
    ledger.credit(ada, new BigDecimal("42.50"), TransactionType.TOPUP, "Opening", null);
  }

  @Test
  void everyPageAndActionNeedsASignIn() throws Exception {
    BillingClient anonymous = new BillingClient(console);
    for (String page :
        List.of("/ops", "/ops/jobs", "/ops/accounts/" + ada, "/ops/mail", "/ops/audit")) {
      var response = anonymous.get(page);
      assertThat(response.statusCode()).as(page).isEqualTo(302);
      assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/ops/sign-in");
    }
    // A form posted with a valid token but no session behind it does nothing.
    anonymous.get("/ops/sign-in");
    var block = anonymous.post("/ops/accounts/" + ada + "/block", Map.of("reason", "fraud"));
    assertThat(block.statusCode()).isIn(302, 403);
    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void anEncodedSpellingOfAConsolePathNeedsASignInToo() throws Exception {
    BillingClient anonymous = new BillingClient(console);
    for (String page :
        List.of("/%6Fps", "/%6Fps/accounts/" + ada, "/o%70s/mail", "/%6fps/audit", "/nowhere")) {
      var response = anonymous.get(page);
      assertThat(response.statusCode()).as(page).isNotEqualTo(200);
      assertThat(response.body()).as(page).doesNotContain("ada@example.com");
    }
    // And from a client not on this host it is refused outright.
    InetAddress outside = nonLoopbackAddress();
    for (String page : List.of("/%6Fps", "/%6Fps/accounts/" + ada, "/o%70s/mail")) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://" + outside.getHostAddress() + ":" + managementPort + page))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(page).isEqualTo(403);
    }
    // The actuator is still open on the management port.
    assertThat(anonymous.get("/actuator/health").statusCode()).isEqualTo(200);
  }

  @Test
  void aWrongPasswordOrAnUnknownNameIsRefused(CapturedOutput output) throws Exception {
    for (Map<String, String> form :
        List.of(
            Map.of("username", "grace", "password", "wrong password!"),
            Map.of("username", "nobody", "password", PASSWORD))) {
      BillingClient browser = new BillingClient(console);
      browser.get("/ops/sign-in");
      var refused = browser.post("/ops/sign-in", form);
      assertThat(refused.statusCode()).isEqualTo(302);
      assertThat(refused.headers().firstValue("Location").orElseThrow())
          .endsWith("/ops/sign-in?error");
      assertThat(browser.get("/ops").statusCode()).isEqualTo(302);
      assertThat(browser.get("/ops/sign-in?error").body()).contains("do not match an ops user");
    }
    assertThat(output.getAll()).doesNotContain(PASSWORD).doesNotContain("wrong password!");
  }

  @Test
  void aSignedInUserSeesEveryPage(CapturedOutput output) throws Exception {
    BillingClient browser = signedIn();

    for (String page :
        List.of(
            "/ops",
            "/ops/jobs",
            "/ops/jobs/mail-dispatch",
            "/ops/top-ups",
            "/ops/top-ups?status=failed",
            "/ops/holds",
            "/ops/holds?status=captured",
            "/ops/mail",
            "/ops/accounts",
            "/ops/accounts?q=ada%40example.com",
            "/ops/accounts/" + ada,
            "/ops/audit")) {
      var response = browser.get(page);
      assertThat(response.statusCode()).as(page).isEqualTo(200);
      assertThat(response.body())
          .as(page)
          .contains("<span class=\"who\" id=\"operator\">grace</span>");
    }
    assertThat(browser.get("/ops/accounts?q=ada%40example.com").body()).contains(ada);
    assertThat(browser.get("/ops/jobs/no-such-job").statusCode()).isEqualTo(404);
    assertThat(browser.get("/ops/top-ups?status=nonsense").statusCode()).isEqualTo(400);
    var page = browser.get("/ops");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(page.body()).contains("<svg class=\"chart\"").doesNotContain("<script");
    String cookie = page.headers().allValues("Set-Cookie").stream().findFirst().orElse("");
    assertThat(output.getAll()).doesNotContain(PASSWORD);
    assertThat(cookie).doesNotContain("wallet_session");
  }

  @Test
  void theHoldsPageListsActiveHoldsSoonestFirstAndSaysHowOthersEnded() throws Exception {
    HoldTransfers holds = app.getBean(HoldTransfers.class);
    String later = hold(holds, "req-later", "3.00", Duration.ofMinutes(30)).id();
    String soon = hold(holds, "req-soon", "2.00", Duration.ofMinutes(2)).id();
    String captured = hold(holds, "req-captured", "1.00", Duration.ofMinutes(10)).id();
    holds.capture(
        captured, ada, new HoldTransfers.Actual(null, null, null, new BigDecimal("0.40")));
    String released = hold(holds, "req-released", "1.00", Duration.ofMinutes(10)).id();
    holds.release(released, ada);
    BillingClient browser = signedIn();

    String active = browser.get("/ops/holds").body();
    assertThat(active)
        .contains("1 active hold(s) expire within 5 minutes")
        .contains("Active now: <span id=\"active-count\">2</span>")
        .doesNotContain(captured, released);
    assertThat(active.indexOf(soon)).isPositive().isLessThan(active.indexOf(later));
    assertThat(active.substring(active.indexOf(soon), active.indexOf(later)))
        .contains("<strong>Soon: </strong>expires in");

    String done = browser.get("/ops/holds?status=captured").body();
    assertThat(done).contains(captured, "captured 0.40 (txn_").doesNotContain(soon, released);
    assertThat(browser.get("/ops/holds?status=released").body()).contains(released, "released at");
    assertThat(browser.get("/ops/holds?account=" + ada).body()).contains(soon, later, released);
    assertThat(browser.get("/ops/holds?account=acct_nobody").body()).contains("No holds.");
    assertThat(browser.get("/ops/holds?status=nonsense").statusCode()).isEqualTo(400);
    // 42.50 less the 0.40 captured; 3.00 + 2.00 still held.
    assertThat(browser.get("/ops/accounts/" + ada).body())
        .contains("42.10 USD", "Available 37.10 USD: 5.00 USD held by");
  }

  @Test
  void anOpenPaymentReviewNeedsAPersonAndIsOnTheTopUpsPage() throws Exception {
    db.jdbc()
        .sql(
            "INSERT INTO payment_reviews (reason, stripe_object_id, account_id, paid_minor,"
                + " paid_currency, expected_amount, expected_currency, message, created_at)"
                + " VALUES ('currency_mismatch', 'cs_yen', ?, 2500, 'JPY', 25, 'USD',"
                + " 'paid 2500 JPY for a top-up of 25.00 USD', now())")
        .param(ada)
        .update();
    BillingClient browser = signedIn();

    assertThat(browser.get("/ops").body())
        .contains("(currency_mismatch, " + ada + "): paid 2500 JPY for a top-up of 25.00 USD")
        .contains("bin/worker topups resolve");
    assertThat(browser.get("/ops/top-ups").body())
        .contains("Payment reviews waiting for a person", "cs_yen", "2500 JPY", "25.00 USD");
  }

  @Test
  void aHoldLeftActivePastItsExpiryNeedsAPerson() throws Exception {
    BillingClient browser = signedIn();
    assertThat(browser.get("/ops").body()).doesNotContain("past their expiry");

    // Made ten minutes ago for two minutes, on a node whose expiry job never ran.
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), java.time.ZoneOffset.UTC);
    HoldTransfers then =
        new HoldTransfers(
            db.database(),
            new Holds(db.database()),
            new Wallets(db.database()),
            new ModelPrices(db.database(), past),
            past);
    hold(then, "req-stuck", "1.00", Duration.ofMinutes(2));

    assertThat(browser.get("/ops").body())
        .contains("1 hold(s) still active more than a minute past their expiry");
    assertThat(browser.get("/ops/holds").body())
        .contains("past its expiry: the hold-expiry job releases it on its next run");
  }

  private Hold hold(HoldTransfers holds, String request, String amount, Duration expiresIn) {
    return holds
        .hold(
            new HoldTransfers.NewHold(
                request, ada, null, null, null, new BigDecimal(amount), expiresIn))
        .hold();
  }

  @Test
  void theConsoleIsOnlyOnTheManagementPort() throws Exception {
    BillingClient onApiPort = new BillingClient(api);
    assertThat(onApiPort.get("/ops").statusCode()).isEqualTo(404);
    assertThat(onApiPort.get("/ops/sign-in").statusCode()).isEqualTo(404);
    var login =
        onApiPort.postRaw("/ops/sign-in", Map.of("username", "grace", "password", PASSWORD));
    assertThat(login.statusCode()).isEqualTo(404);
    assertThat(login.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void aClientNotOnThisHostIsRefused() throws Exception {
    InetAddress outside = nonLoopbackAddress();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://"
                                + outside.getHostAddress()
                                + ":"
                                + managementPort
                                + "/ops/sign-in"))
                    // A header naming this host changes nothing: only the connection counts.
                    .header("X-Forwarded-For", "127.0.0.1")
                    .header("Forwarded", "for=127.0.0.1")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(app.getEnvironment().getProperty("server.forward-headers-strategy"))
        .isEqualTo("none");
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body())
        .contains("only on the daemon's own host")
        .doesNotContain("password");
    // The same request from this host gets the form.
    assertThat(new BillingClient(console).get("/ops/sign-in").statusCode()).isEqualTo(200);
  }

  @Test
  void aFormWithoutItsCsrfTokenChangesNothing() throws Exception {
    BillingClient browser = signedIn();
    browser.get("/ops/accounts/" + ada);

    var forged = browser.postRaw("/ops/accounts/" + ada + "/block", Map.of("reason", "fraud"));

    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("nothing was changed");
    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.ACTIVE);
    var trigger = browser.postRaw("/ops/jobs/mail-dispatch/trigger", Map.of());
    assertThat(trigger.statusCode()).isEqualTo(403);
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void aSessionEndsWhenIdle() throws Exception {
    BillingClient browser = signedIn();
    assertThat(browser.get("/ops").statusCode()).isEqualTo(200);

    Thread.sleep((TIMEOUT_SECONDS + 2) * 1000L);

    var after = browser.get("/ops");
    assertThat(after.statusCode()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location").orElseThrow()).endsWith("/ops/sign-in");
  }

  @Test
  void aRemovedUserIsSignedOutAtTheNextRequest() throws Exception {
    BillingClient browser = signedIn();
    assertThat(browser.get("/ops").statusCode()).isEqualTo(200);

    new OpsUsers(db.database(), clock).remove("grace");

    var after = browser.get("/ops");
    assertThat(after.statusCode()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location").orElseThrow()).endsWith("/ops/sign-in");
    assertThat(browser.get("/ops").statusCode()).isEqualTo(302);
  }

  @Test
  void aUserRemovedAndAddedAgainIsSignedOutToo() throws Exception {
    BillingClient browser = signedIn();
    assertThat(browser.get("/ops").statusCode()).isEqualTo(200);

    // Another person, maybe, under the same name: the old session is not theirs.
    OpsUsers users = new OpsUsers(db.database(), clock);
    users.remove("grace");
    users.add("grace", OpsPasswords.encoder().encode("another password entirely"));

    var after = browser.get("/ops");
    assertThat(after.statusCode()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location").orElseThrow()).endsWith("/ops/sign-in");
    assertThat(browser.get("/ops").statusCode()).isEqualTo(302);
  }

  @Test
  void signingOutEndsTheSession() throws Exception {
    BillingClient browser = signedIn();
    browser.get("/ops");
    var out = browser.post("/ops/sign-out", Map.of());
    assertThat(out.headers().firstValue("Location").orElseThrow())
        .endsWith("/ops/sign-in?signed-out");
    assertThat(browser.get("/ops").statusCode()).isEqualTo(302);
  }

  @Test
  void blockingWithAReasonRefusesUsageAndIsAudited() throws Exception {
    BillingClient browser = signedIn();
    browser.get("/ops/accounts/" + ada);

    var blocked =
        browser.post("/ops/accounts/" + ada + "/block", Map.of("reason", "chargeback fraud"));

    assertThat(blocked.statusCode()).isEqualTo(302);
    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.BLOCKED);
    assertThat(accounts.get(ada).account().blockedReason()).isEqualTo("chargeback fraud");
    WalletException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            WalletException.class,
            () -> ledger.debitUsage(ada, new BigDecimal("0.01"), null, null));
    assertThat(refused.type()).isEqualTo(dev.walletworker.ErrorType.ACCOUNT_BLOCKED);
    AuditLog.Entry row = audit.list(ada, null, null, 10).get(0);
    assertThat(row.operator()).isEqualTo("grace");
    assertThat(row.action()).isEqualTo(AuditAction.ACCOUNT_BLOCK);
    assertThat(row.reason()).isEqualTo("chargeback fraud");
    assertThat(row.before()).containsEntry("status", "active");
    assertThat(row.after()).containsEntry("status", "blocked");
    assertThat(browser.get("/ops/accounts/" + ada).body())
        .contains("chargeback fraud")
        .contains("id=\"unblock\"");

    var unblocked =
        browser.post("/ops/accounts/" + ada + "/unblock", Map.of("reason", "cleared by bank"));
    assertThat(unblocked.statusCode()).isEqualTo(302);
    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(audit.list(ada, "grace", AuditAction.ACCOUNT_UNBLOCK, 10)).hasSize(1);
  }

  @Test
  void aBlockWithoutAReasonIsRefusedBesideTheField() throws Exception {
    BillingClient browser = signedIn();
    browser.get("/ops/accounts/" + ada);

    var refused = browser.post("/ops/accounts/" + ada + "/block", Map.of("reason", "  "));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body())
        .contains("id=\"block-reason-error\"")
        .contains("reason is required")
        .contains("aria-invalid=\"true\"");
    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void aRefundRefersToItsTransactionAndIsAudited() throws Exception {
    WalletTransaction charge =
        ledger.debitUsage(ada, new BigDecimal("3.25"), "A bad batch", null).transaction();
    BillingClient browser = signedIn();
    browser.get("/ops/accounts/" + ada);

    var credited =
        browser.post(
            "/ops/accounts/" + ada + "/credit",
            Map.of(
                "type", "refund",
                "amount", "3.25",
                "reason", "refund request #81: model outage",
                "refers_to", charge.id()));

    assertThat(credited.statusCode()).isEqualTo(302);
    assertThat(ledger.balance(ada)).isEqualByComparingTo("42.50");
    WalletTransaction refund = ledger.history(ada, 1, null).transactions().get(0);
    assertThat(refund.type()).isEqualTo(TransactionType.REFUND);
    assertThat(refund.amount()).isEqualByComparingTo("3.25");
    AuditLog.Entry row = audit.list(ada, null, AuditAction.WALLET_CREDIT, 10).get(0);
    assertThat(row.operator()).isEqualTo("grace");
    assertThat(row.refersTo()).isEqualTo(charge.id());
    assertThat(row.reason()).isEqualTo("refund request #81: model outage");
    assertThat(row.targetId()).isEqualTo(refund.id());
  }

  @Test
  void theSameCreditFormSentTwiceCreditsOnce() throws Exception {
    BillingClient browser = signedIn();
    var page = browser.get("/ops/accounts/" + ada);
    var key =
        java.util.regex.Pattern.compile("name=\"idempotency_key\" value=\"([0-9a-f-]{36})\"")
            .matcher(page.body());
    assertThat(key.find()).as("the credit form carries its key").isTrue();
    Map<String, String> form =
        Map.of(
            "type", "bonus",
            "amount", "5.00",
            "reason", "goodwill for ticket #12",
            "refers_to", "",
            "idempotency_key", key.group(1),
            "_csrf", browser.csrf().orElseThrow());

    // Both sends carry what the page had: the browser sends the form again as it was.
    var first = browser.postRaw("/ops/accounts/" + ada + "/credit", form);
    var second = browser.postRaw("/ops/accounts/" + ada + "/credit", form);

    assertThat(first.statusCode()).isEqualTo(302);
    assertThat(second.statusCode()).isEqualTo(302);
    assertThat(second.headers().firstValue("Location").orElseThrow()).endsWith("?done=credited");
    assertThat(ledger.balance(ada)).isEqualByComparingTo("47.50");
    assertThat(audit.list(ada, null, AuditAction.WALLET_CREDIT, 10)).hasSize(1);
    // A fresh page has a fresh key: a second credit on purpose is one.
    assertThat(browser.get("/ops/accounts/" + ada).body()).doesNotContain(key.group(1));
  }

  @Test
  void aBadCreditIsRefusedBesideItsFieldAndChangesNothing() throws Exception {
    BillingClient browser = signedIn();
    browser.get("/ops/accounts/" + ada);

    var refused =
        browser.post(
            "/ops/accounts/" + ada + "/credit",
            Map.of("type", "refund", "amount", "-5", "reason", "x", "refers_to", ""));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("id=\"credit-amount-error\"").contains("value=\"-5\"");
    var noReason =
        browser.post(
            "/ops/accounts/" + ada + "/credit",
            Map.of("type", "bonus", "amount", "5", "reason", "", "refers_to", ""));
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.body()).contains("id=\"credit-reason-error\"");
    assertThat(ledger.balance(ada)).isEqualByComparingTo("42.50");
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void aJobActionWhoseAuditRowIsRefusedDoesNotHappen() {
    var jobs = app.getBean(dev.walletworker.worker.scheduling.JobActions.class);
    String badOperator = "x".repeat(AuditLog.MAX_OPERATOR + 1);

    // The operator is checked as the row is written, after the pause: the pause rolls back.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> jobs.pause(badOperator, "low-balance-alerts"))
        .isInstanceOf(WalletException.class);

    assertThat(new StoredSchedules(db.dataSource()).byJob().get("low-balance-alerts").paused())
        .isFalse();
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void jobButtonsActForTheClusterAndAreAudited() throws Exception {
    BillingClient browser = signedIn();
    browser.get("/ops/jobs");

    var paused = browser.post("/ops/jobs/low-balance-alerts/pause", Map.of());
    assertThat(paused.statusCode()).isEqualTo(302);
    assertThat(new StoredSchedules(db.dataSource()).byJob().get("low-balance-alerts").paused())
        .isTrue();
    assertThat(browser.get("/ops/jobs").body()).contains("id=\"resume-low-balance-alerts\"");

    browser.post("/ops/jobs/low-balance-alerts/resume", Map.of());
    assertThat(new StoredSchedules(db.dataSource()).byJob().get("low-balance-alerts").paused())
        .isFalse();

    browser.get("/ops/jobs");
    var triggered = browser.post("/ops/jobs/mail-dispatch/trigger", Map.of());
    assertThat(triggered.statusCode()).isEqualTo(302);
    // Queued in the store, for whichever daemon is up (this node runs no scheduler).
    Integer queued =
        db.jdbc()
            .sql("SELECT count(*) FROM qrtz_simple_triggers WHERE trigger_name LIKE 'MT_%'")
            .query(Integer.class)
            .single();
    assertThat(queued).isEqualTo(1);

    List<AuditLog.Entry> rows = audit.list(null, "grace", null, 10);
    assertThat(rows)
        .extracting(AuditLog.Entry::action)
        .containsExactly(AuditAction.JOB_TRIGGER, AuditAction.JOB_RESUME, AuditAction.JOB_PAUSE);
    assertThat(rows.get(0).refersTo()).isNotBlank();
    assertThat(rows.get(2).before()).containsEntry("paused", false);
    assertThat(rows.get(2).after()).containsEntry("paused", true);
  }

  @Test
  void aFailedEmailIsRetriedAndPreviewedAsTheOwnerSeesIt() throws Exception {
    db.database()
        .inTransaction(
            () ->
                mail.enqueue(
                    ada,
                    "test-1",
                    new MailPayload.ActionRequired(
                        new BigDecimal("25.00"),
                        "USD",
                        new BigDecimal("1.50"),
                        "http://localhost:8080/billing/confirm-payment?attempt=att_1")));
    long id = mail.list(null, ada, 1).get(0).id();
    db.jdbc()
        .sql(
            "UPDATE mail_outbox SET status = 'failed', last_error = '550 mailbox unavailable'"
                + " WHERE id = ?")
        .param(id)
        .update();
    BillingClient browser = signedIn();

    var page = browser.get("/ops/mail?status=failed");
    assertThat(page.body()).contains("550 mailbox unavailable").contains("id=\"retry-" + id + "\"");
    var preview = browser.get("/ops/mail/" + id);
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.body()).contains("id=\"subject\"").contains("$25.00");
    var html = browser.get("/ops/mail/" + id + "/html");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow())
        .startsWith("sandbox");

    browser.get("/ops/mail?status=failed");
    var retried = browser.post("/ops/mail/" + id + "/retry", Map.of());

    assertThat(retried.statusCode()).isEqualTo(302);
    assertThat(mail.list(null, ada, 1).get(0).status().code()).isEqualTo("pending");
    AuditLog.Entry row = audit.list(ada, null, AuditAction.MAIL_RETRY, 10).get(0);
    assertThat(row.operator()).isEqualTo("grace");
    browser.get("/ops/mail");
    assertThat(browser.post("/ops/mail/" + id + "/retry", Map.of()).statusCode()).isEqualTo(400);
    assertThat(audit.list(ada, null, AuditAction.MAIL_RETRY, 10)).hasSize(1);
  }

  @Test
  void aSignInLinkIsHiddenInThePreview() throws Exception {
    String link = "http://localhost:8080/billing/sign-in/link?token=secret-token-123";
    db.database()
        .inTransaction(() -> mail.enqueue(ada, "sign-in-1", new MailPayload.SignInLink(link, 15)));
    long id = mail.list(null, ada, 1).get(0).id();
    BillingClient browser = signedIn();

    var preview = browser.get("/ops/mail/" + id);
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.body())
        .doesNotContain("secret-token-123")
        .contains(MailOutbox.HIDDEN_SIGN_IN_LINK);
    var html = browser.get("/ops/mail/" + id + "/html");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.body())
        .doesNotContain("secret-token-123")
        .contains(MailOutbox.HIDDEN_SIGN_IN_LINK);
  }

  @Test
  void theAuditPageFiltersAndTheOverviewAsksForAPerson() throws Exception {
    db.database()
        .inTransaction(
            () ->
                mail.enqueue(
                    ada,
                    "test-2",
                    new MailPayload.DailyCapReached(
                        5, new BigDecimal("25.00"), "USD", BigDecimal.ONE)));
    db.jdbc().sql("UPDATE mail_outbox SET status = 'failed'").update();
    BillingClient browser = signedIn();
    browser.get("/ops/accounts/" + ada);
    browser.post("/ops/accounts/" + ada + "/block", Map.of("reason", "abuse"));

    assertThat(browser.get("/ops/audit?operator=grace&action=account.block").body())
        .contains("abuse");
    assertThat(browser.get("/ops/audit?operator=someone-else").body()).contains("id=\"no-rows\"");
    assertThat(browser.get("/ops/audit?action=nonsense").statusCode()).isEqualTo(400);
    String overview = browser.get("/ops").body();
    assertThat(overview).contains("1 email(s) failed").doesNotContain("id=\"all-clear\"");
    assertThat(overview).contains("Accounts blocked by ops per day");
  }

  @Test
  void theTopUpsPageSaysWhatHappensNext() throws Exception {
    attempt(ada, "tpa_000000000000000000000001", "failed", "card_declined", Duration.ofMinutes(5));
    attempt(ada, "tpa_000000000000000000000002", "needs_review", null, Duration.ofHours(2));
    BillingClient browser = signedIn();

    String failed = browser.get("/ops/top-ups?status=failed").body();
    assertThat(failed)
        .contains("tpa_000000000000000000000001")
        .contains("card_declined")
        .contains("cool-down: no new attempt before")
        .doesNotContain("tpa_000000000000000000000002");
    assertThat(browser.get("/ops/top-ups").body()).contains("a person resolves its review");
    assertThat(browser.get("/ops").body())
        .contains("Top-up tpa_000000000000000000000002 of " + ada + " is needs_review");
    assertThat(browser.get("/ops/accounts/" + ada).body()).contains("card_declined");
  }

  /** An attempt as the auto top-up job leaves it, made {@code age} ago. */
  static void attempt(String account, String id, String status, String decline, Duration age) {
    java.sql.Timestamp at = java.sql.Timestamp.from(Instant.now().minus(age));
    boolean resolved = status.equals("failed") || status.equals("succeeded");
    db.jdbc()
        .sql(
            "INSERT INTO topup_attempts (id, account_id, status, amount, currency,"
                + " stripe_customer_id, payment_method_id, idempotency_key, payment_intent_id,"
                + " requests, next_try_at, failure_code, failure_message, created_at, updated_at,"
                + " resolved_at) VALUES (?, ?, ?, 25.00, 'USD', 'cus_ops', 'pm_card_declined', ?,"
                + " ?, 1, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            account,
            status,
            "idem-" + id,
            "pi_" + id.substring(4),
            at,
            decline,
            decline == null ? null : "Your card was declined.",
            at,
            at,
            resolved ? at : null)
        .update();
  }

  private BillingClient signedIn() throws Exception {
    BillingClient browser = new BillingClient(console);
    browser.get("/ops/sign-in");
    var response = browser.post("/ops/sign-in", Map.of("username", "grace", "password", PASSWORD));
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/ops");
    return browser;
  }

  static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return address;
        }
      }
    }
    throw new AssertionError("this test needs a network interface other than loopback");
  }
}
