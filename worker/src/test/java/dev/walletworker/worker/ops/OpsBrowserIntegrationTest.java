package dev.walletworker.worker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.account.AccountStatus;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.ledger.WalletTransaction;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.ops.OpsUsers;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.DaemonApplication;
import dev.walletworker.worker.billing.Browser;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ops console in a real browser (Debian's headless Chromium through Selenium) against the
 * daemon with its scheduler and an SMTP server (GreenMail): sign in (a wrong password first); pause
 * a job, trigger it and see its run with counts, resume it; retry a failed email and see it
 * delivered; block an account with a reason and see its usage refused and the audit row; credit a
 * refund that refers to a transaction. Every page is screenshot to target/screenshots/ (ops-*) and
 * checked with axe-core.
 */
class OpsBrowserIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String PASSWORD = "correct horse battery";

  private static GreenMail smtp;
  private static ConfigurableApplicationContext daemon;
  private static Browser browser;
  private static String console;
  private static String api;
  private static int managementPort;
  private static final List<String> accessibility = new ArrayList<>();

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  /**
   * After the database's reset (which empties the scheduler's tables too): the daemon registers its
   * jobs as it starts.
   */
  @BeforeEach
  void start() throws Exception {
    int smtpPort = freePort();
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    int apiPort = freePort();
    managementPort = freePort();
    api = "http://127.0.0.1:" + apiPort;
    console = "http://127.0.0.1:" + managementPort;
    givenAnOpsUserAnAccountAFailedEmailAndTwoAttempts();
    daemon =
        new SpringApplication(DaemonApplication.class)
            .run(
                "--server.port=" + apiPort,
                "--management.server.port=" + managementPort,
                // Every address, so that the browser can come from one that is not loopback.
                "--management.server.address=0.0.0.0",
                "--wallet.database.url=" + db.jdbcUrl(),
                "--wallet.database.username=" + db.username(),
                "--wallet.database.password=" + db.password(),
                "--wallet.mail.host=127.0.0.1",
                "--wallet.mail.port=" + smtpPort,
                "--wallet.mail.dashboard-url=" + api,
                "--wallet.jobs.mail-dispatch.cron=* * * * * ?");
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  @Test
  void anOperatorRunsJobsRetriesMailBlocksAndRefunds() throws Exception {
    Clock clock = Clock.systemUTC();
    Accounts accounts = new Accounts(db.database(), clock);
    Ledger ledger = new Ledger(db.database(), clock);
    AuditLog audit = new AuditLog(db.database(), clock);

    browser.driver.get(
        "http://"
            + OpsConsoleIntegrationTest.nonLoopbackAddress().getHostAddress()
            + ":"
            + managementPort
            + "/ops/sign-in");
    assertThat(browser.driver.getPageSource()).doesNotContain("id=\"password\"");
    assertThat(text("message")).contains("only on the daemon's own host");
    page("ops-refused-remote");
    browser.driver.get(console + "/ops");
    waitFor(() -> browser.driver.getCurrentUrl().endsWith("/ops/sign-in"));
    signIn("grace", "not the password");
    assertThat(text("sign-in-error")).contains("do not match");
    page("ops-sign-in-refused");
    signIn("grace", PASSWORD);
    assertThat(text("operator")).isEqualTo("grace");
    assertThat(browser.driver.findElement(By.id("needs")).getText()).contains("1 email(s) failed");
    page("ops-overview");

    // Jobs: paused first, so that neither its schedule nor a wake-up takes the wallet that the
    // run triggered here is to find (a paused job still runs when ops ask); its run appears with
    // its counts; then resumed.
    browser.driver.findElement(By.linkText("Jobs")).click();
    page("ops-jobs");
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("pause-low-balance-alerts")));
    assertThat(
            browser.driver.findElement(By.cssSelector("#job-low-balance-alerts .state")).getText())
        .isEqualTo("paused");
    assertThat(browser.driver.findElement(By.id("job-low-balance-alerts")).getText())
        .contains("none while paused");
    page("ops-jobs-paused");
    accounts.updateSettings(
        ada, new SettingsChange().alertEnabled(true).alertThreshold(new BigDecimal("100")));
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("trigger-low-balance-alerts")));
    assertThat(text("done")).contains("low-balance-alerts queued");
    browser.driver.get(console + "/ops/jobs/low-balance-alerts");
    waitFor(
        () -> {
          browser.driver.navigate().refresh();
          return browser.driver.findElements(By.cssSelector("#runs td.status-COMPLETED")).size()
              > 0;
        });
    // Run, status, trigger, start, duration, then read, written, filtered, skipped.
    assertThat(browser.driver.findElement(By.cssSelector("#runs tbody tr")).getText())
        .containsPattern("COMPLETED manual .* 1 1 0 0$");
    assertThat(browser.driver.findElements(By.cssSelector("svg.chart"))).hasSize(2);
    page("ops-job-history");
    browser.driver.findElement(By.linkText("Jobs")).click();
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("resume-low-balance-alerts")));
    assertThat(
            browser.driver.findElement(By.cssSelector("#job-low-balance-alerts .state")).getText())
        .isEqualTo("active");

    // Mail: a failed message's error, its preview, Retry, and the owner gets it.
    browser.driver.findElement(By.linkText("Mail")).click();
    assertThat(browser.driver.findElement(By.id("mail-" + failed)).getText())
        .contains("550 mailbox unavailable");
    page("ops-mail");
    browser.driver.findElement(By.id("preview-" + failed)).click();
    assertThat(text("subject")).isNotBlank();
    page("ops-mail-preview");
    browser.driver.navigate().back();
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("retry-" + failed)));
    assertThat(text("done")).contains("queued again");
    MimeMessage delivered = awaitMail("ada@example.com", "action_required");
    assertThat(delivered.getSubject()).contains("$25.00");
    waitFor(
        () -> {
          browser.driver.navigate().refresh();
          return browser.driver.findElement(By.id("mail-" + failed)).getText().contains("sent");
        });
    page("ops-mail-delivered");

    // Accounts: search by email, block with a reason, usage refused, the audit row.
    browser.driver.findElement(By.linkText("Accounts")).click();
    fill("q", "ada@example.com");
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("search")));
    page("ops-accounts-search");
    browser.driver.findElement(By.linkText(ada)).click();
    page("ops-account");
    // A form whose CSRF token was taken out is refused, and nothing changes.
    browser.driver.executeScript(
        "document.querySelector('form[action$=\"/block\"] input[name=_csrf]').remove();");
    fill("block-reason", "forged");
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("block")));
    assertThat(text("message")).contains("nothing was changed");
    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.ACTIVE);
    page("ops-refused-without-csrf");
    browser.driver.navigate().back();
    browser.driver.navigate().refresh();
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("block")));
    assertThat(text("block-reason-error")).contains("reason is required");
    page("ops-account-block-refused");
    fill("block-reason", "chargeback under investigation");
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("block")));
    assertThat(text("blocked")).contains("chargeback under investigation");
    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.BLOCKED);
    String usage = postUsage(ada);
    assertThat(usage).contains("account_blocked").doesNotContain("\"posted\"");
    assertThat(browser.driver.findElement(By.id("audit")).getText())
        .contains("grace")
        .contains("account.block")
        .contains("chargeback under investigation");
    page("ops-account-blocked");

    // A refund that refers to the charge it gives back.
    BigDecimal before = ledger.balance(ada);
    browser.driver.findElement(By.id("credit-refund")).click();
    fill("credit-amount", "4.20");
    fill("credit-reason", "refund request: answers were wrong");
    fill("credit-refers-to", charge.id());
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("credit")));
    assertThat(text("done")).contains("credited");
    assertThat(ledger.balance(ada)).isEqualByComparingTo(before.add(new BigDecimal("4.20")));
    AuditLog.Entry refund = audit.list(ada, "grace", AuditAction.WALLET_CREDIT, 1).get(0);
    assertThat(refund.refersTo()).isEqualTo(charge.id());
    assertThat(browser.driver.findElement(By.id("transactions")).getText()).contains("refund");
    page("ops-account-refunded");
    browser.phoneScreenshot("ops-account");

    browser.driver.findElement(By.linkText("Top-ups")).click();
    assertThat(browser.driver.findElement(By.id("attempts")).getText())
        .contains("card_declined")
        .contains("needs_review");
    page("ops-top-ups");

    // An active hold about to expire, marked as such.
    String hal = accounts.create("hal@example.com", "Hal", null).account().id();
    ledger.credit(hal, new BigDecimal("20.00"), TransactionType.TOPUP, "Opening", null);
    String hold =
        daemon
            .getBean(HoldTransfers.class)
            .hold(
                new HoldTransfers.NewHold(
                    "req-1", hal, null, null, null, new BigDecimal("4.00"), Duration.ofMinutes(3)))
            .hold()
            .id();
    clickAndWaitForTheNextPage(browser.driver.findElement(By.linkText("Holds")));
    assertThat(browser.driver.findElement(By.id("holds")).getText())
        .contains(hold, hal, "4", "Soon:");
    page("ops-holds");
    browser.driver.findElement(By.linkText("Audit log")).click();
    fill("operator-filter", "grace");
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("filter")));
    assertThat(browser.driver.findElement(By.id("audit")).getText())
        .contains("job.trigger")
        .contains("job.pause")
        .contains("job.resume")
        .contains("mail.retry")
        .contains("account.block")
        .contains("wallet.credit");
    page("ops-audit");
    browser.driver.findElement(By.linkText("Overview")).click();
    page("ops-overview-after");

    assertThat(accessibility).as("serious accessibility violations").isEmpty();
  }

  private String ada;
  private WalletTransaction charge;
  private long failed;

  /**
   * Before the daemon starts: its dispatcher would otherwise claim the email as it is queued and
   * mark it sent over the test's "failed".
   */
  private void givenAnOpsUserAnAccountAFailedEmailAndTwoAttempts() {
    Clock clock = Clock.systemUTC();
    new OpsUsers(db.database(), clock).add("grace", OpsPasswords.encoder().encode(PASSWORD));
    ada =
        new Accounts(db.database(), clock)
            .create("ada@example.com", "Ada Lovelace", null)
            .account()
            .id();
    Ledger ledger = new Ledger(db.database(), clock);
    ledger.credit(ada, new BigDecimal("50.00"), TransactionType.TOPUP, null, null);
    charge =
        ledger.debitUsage(ada, new BigDecimal("4.20"), "Batch of bad answers", null).transaction();
    failed = aFailedEmail(new MailOutbox(db.database(), clock), ada);
    OpsConsoleIntegrationTest.attempt(
        ada, "tpa_000000000000000000000001", "failed", "card_declined", Duration.ofMinutes(5));
    OpsConsoleIntegrationTest.attempt(
        ada, "tpa_000000000000000000000002", "needs_review", null, Duration.ofHours(2));
  }

  private static long aFailedEmail(MailOutbox mail, String account) {
    db.database()
        .inTransaction(
            () ->
                mail.enqueue(
                    account,
                    "browser-1",
                    new MailPayload.ActionRequired(
                        new BigDecimal("25.00"),
                        "USD",
                        new BigDecimal("1.50"),
                        api + "/billing/confirm-payment?payment_intent=pi_browser")));
    long id = mail.list(null, account, 1).get(0).id();
    db.jdbc()
        .sql(
            "UPDATE mail_outbox SET status = 'failed', attempts = 12,"
                + " last_error = '550 mailbox unavailable' WHERE id = ?")
        .param(id)
        .update();
    return id;
  }

  private static String postUsage(String account) throws Exception {
    String key = new ServiceKeys(db.database(), Clock.systemUTC()).create("browser-gateway").key();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api + "/v1/usage"))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"events\": [{\"id\": \"req_blocked\", \"account_id\": \""
                                + account
                                + "\", \"amount\": 0.25}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private static void signIn(String name, String password) {
    fill("username", name);
    fill("password", password);
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("sign-in")));
  }

  private static void page(String name) {
    browser.screenshot(name);
    for (Map<String, Object> violation : browser.seriousAccessibilityViolations()) {
      accessibility.add(name + ": " + violation);
    }
  }

  private static String text(String id) {
    return browser.driver.findElement(By.id(id)).getText();
  }

  private static void fill(String id, String value) {
    WebElement field = browser.driver.findElement(By.id(id));
    field.clear();
    field.sendKeys(value);
  }

  /** Clicks and waits until the browser left the page (on a loaded machine it may start late). */
  private static void clickAndWaitForTheNextPage(WebElement button) {
    WebElement page = browser.driver.findElement(By.tagName("html"));
    button.click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(20))
        .until(ExpectedConditions.stalenessOf(page));
  }

  private static void waitFor(BooleanSupplier condition) {
    new WebDriverWait(browser.driver, Duration.ofSeconds(60))
        .pollingEvery(Duration.ofMillis(500))
        .until(d -> condition.getAsBoolean());
  }

  private static MimeMessage awaitMail(String to, String kind) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      for (MimeMessage message : smtp.getReceivedMessages()) {
        String[] kinds = message.getHeader("X-Wallet-Email-Kind");
        if (message.getAllRecipients()[0].toString().contains(to)
            && kinds != null
            && kinds[0].equals(kind)) {
          return message;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + kind + " email to " + to + " within 30 s");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
