package dev.walletworker.worker.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.Amounts;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.ledger.WalletTransaction;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.DaemonApplication;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The owner's billing pages in a real browser (Debian's headless Chromium through Selenium),
 * against the daemon with its scheduler, an SMTP server (GreenMail) and the Stripe emulator: sign
 * in through the emailed link, top up $100 through the emulator's Checkout page and see $110, set
 * each setting (one refused), download a month's CSV and compare it with the ledger, and confirm a
 * payment the bank wants authenticated from its email. Every page is screenshot to
 * target/screenshots/ and checked with axe-core.
 */
class BillingBrowserIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final Pattern SIGN_IN_LINK =
      Pattern.compile("https?://\\S+/billing/sign-in/link\\?token=[A-Za-z0-9_-]{43}");
  private static final Pattern CONFIRM_LINK =
      Pattern.compile("https?://\\S+/billing/confirm-payment\\?payment_intent=pi_[A-Za-z0-9_]+");

  private static StripeEmulator stripe;
  private static GreenMail smtp;
  private static ConfigurableApplicationContext daemon;
  private static Browser browser;
  private static String base;
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
    stripe = StripeEmulator.start(0);
    int smtpPort = freePort();
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    int apiPort = freePort();
    base = "http://127.0.0.1:" + apiPort;
    stripe.webhook(base + "/v1/webhooks/stripe", "whsec_browser");
    daemon =
        new SpringApplication(DaemonApplication.class)
            .run(
                "--server.port=" + apiPort,
                "--management.server.port=0",
                "--wallet.database.url=" + db.jdbcUrl(),
                "--wallet.database.username=" + db.username(),
                "--wallet.database.password=" + db.password(),
                "--wallet.stripe.api-key=sk_test_browser",
                "--wallet.stripe.api-base=" + stripe.apiBase(),
                "--wallet.stripe.webhook-secret=whsec_browser",
                "--wallet.billing.stripe-js-url=" + stripe.stripeJsUrl(),
                "--wallet.billing.stripe-publishable-key=pk_test_browser",
                "--wallet.mail.host=127.0.0.1",
                "--wallet.mail.port=" + smtpPort,
                "--wallet.mail.dashboard-url=" + base,
                "--wallet.jobs.auto-topup.cron=* * * * * ?",
                "--wallet.jobs.mail-dispatch.cron=* * * * * ?",
                "--wallet.topup.retry-initial=1s");
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
    if (stripe != null) {
      stripe.close();
    }
  }

  @Test
  void anOwnerSignsInTopsUpSetsEverythingAndConfirmsAPayment() throws Exception {
    Accounts accounts = daemon.getBean(Accounts.class);
    Ledger ledger = daemon.getBean(Ledger.class);
    String ada = accounts.create("ada@example.com", "Ada Lovelace", null).account().id();
    accounts.updateSettings(
        ada,
        new SettingsChange()
            .stripeCustomerId(stripe.createCustomer("ada@example.com"))
            .paymentMethodId("pm_card_visa"));
    ledger.credit(ada, new BigDecimal("20.00"), TransactionType.REFUND, "Opening balance", null);
    for (int i = 1; i <= 4; i++) {
      ledger.debitUsage(ada, new BigDecimal("1.25").multiply(BigDecimal.valueOf(i)), null, "r" + i);
    }

    // Signed out, every page sends the owner to sign in.
    browser.driver.get(base + "/billing");
    assertThat(browser.driver.getCurrentUrl()).endsWith("/billing/sign-in");
    page("sign-in");
    signIn("ada@example.com", "Ada Lovelace");

    // The overview: balance, month's spend, chart.
    assertThat(text("balance")).isEqualTo("$7.50");
    assertThat(text("spent")).isEqualTo("$12.50");
    assertThat(browser.driver.findElements(By.cssSelector("svg.chart rect"))).hasSize(1);
    page("overview");
    browser.phoneScreenshot("overview");

    topUp100ThroughCheckout(accounts, ada);
    setEverySetting(accounts, ada);
    downloadTheMonthAndCompareWithTheLedger(ledger, ada);
    createAndRevokeAKey();
    signOut();

    confirmAPaymentFromItsEmail(accounts, ledger);

    assertThat(accessibility).as("serious or critical axe-core violations").isEmpty();
  }

  private void topUp100ThroughCheckout(Accounts accounts, String ada) {
    browser.driver.findElement(By.linkText("Top up")).click();
    page("top-up");
    browser.phoneScreenshot("top-up");
    // The bonus is shown as the amount changes.
    WebElement custom = browser.driver.findElement(By.id("custom_amount"));
    custom.sendKeys("250");
    waitFor(() -> text("preview").contains("+15% bonus"));
    custom.clear();
    custom.sendKeys("5");
    waitFor(() -> text("preview").contains("minimum top-up"));
    custom.clear();
    browser.driver.findElement(By.cssSelector("input[name=preset][value='100']")).click();
    waitFor(() -> text("preview").contains("You pay $100.00 and get $110.00"));
    browser.driver.findElement(By.cssSelector("#top-up-form button[type=submit]")).click();

    // The emulator's hosted Checkout page.
    waitFor(() -> browser.driver.findElements(By.cssSelector("button.pay")).size() == 1);
    browser.screenshot("stripe-checkout");
    browser.driver.findElement(By.cssSelector("button.pay")).click();

    // Back on our success page: waiting for the webhook, then the credit.
    waitFor(() -> browser.driver.getCurrentUrl().contains("/billing/top-up/ctu_"));
    new WebDriverWait(browser.driver, Duration.ofSeconds(20))
        .until(
            d -> {
              d.navigate().refresh();
              return text("topup-status").contains("was added");
            });
    assertThat(text("topup-status")).contains("$110.00 was added").contains("$10.00 bonus");
    page("top-up-credited");
    browser.driver.findElement(By.linkText("Overview")).click();
    assertThat(text("balance")).isEqualTo("$117.50");
    assertThat(accounts.get(ada).wallet().balance()).isEqualByComparingTo("117.50");
  }

  private void setEverySetting(Accounts accounts, String ada) {
    browser.driver.findElement(By.linkText("Settings")).click();
    page("settings");

    // One refused value: the error beside its field, nothing saved, the typed value kept.
    fill("limit-monthly", "0.50");
    check("limit-enabled", true);
    browser.driver.findElement(By.id("limit-block")).click();
    submit("spending-limit");
    assertThat(browser.driver.findElement(By.id("limit-monthly-error")).getText())
        .contains("monthly_limit");
    assertThat(browser.driver.findElement(By.id("limit-monthly")).getAttribute("aria-invalid"))
        .isEqualTo("true");
    assertThat(browser.driver.findElement(By.id("limit-monthly")).getAttribute("value"))
        .isEqualTo("0.50");
    page("settings-refused");
    assertThat(accounts.get(ada).wallet().spendingLimit().enabled()).isFalse();

    fill("limit-monthly", "200");
    submit("spending-limit");
    assertThat(browser.driver.getPageSource()).contains("Spending limit saved.");

    check("alert-enabled", true);
    fill("alert-threshold", "15");
    submit("low-balance-alert");
    assertThat(browser.driver.getPageSource()).contains("Low-balance alert saved.");

    check("auto-enabled", true);
    fill("auto-threshold", "10");
    fill("auto-amount", "50");
    submit("auto-top-up");
    assertThat(browser.driver.getPageSource()).contains("Auto top-up saved.");
    page("settings-saved");

    var wallet = accounts.get(ada).wallet();
    assertThat(wallet.spendingLimit().enabled()).isTrue();
    assertThat(wallet.spendingLimit().monthlyLimit()).isEqualByComparingTo("200");
    assertThat(wallet.lowBalanceAlert().enabled()).isTrue();
    assertThat(wallet.lowBalanceAlert().threshold()).isEqualByComparingTo("15");
    assertThat(wallet.autoTopUp().enabled()).isTrue();
    assertThat(wallet.autoTopUp().threshold()).isEqualByComparingTo("10");
    assertThat(wallet.autoTopUp().amount()).isEqualByComparingTo("50");
    // Saved values are shown back.
    assertThat(browser.driver.findElement(By.id("auto-amount")).getAttribute("value"))
        .isEqualTo("50.00");

    browser.driver.findElement(By.linkText("Overview")).click();
    assertThat(browser.driver.getPageSource()).contains("of your $200.00 monthly limit");
    page("overview-with-limit");
  }

  private void downloadTheMonthAndCompareWithTheLedger(Ledger ledger, String ada) throws Exception {
    browser.driver.findElement(By.linkText("Transactions")).click();
    page("transactions");
    browser.phoneScreenshot("transactions");
    assertThat(browser.driver.findElements(By.cssSelector("#transactions tbody tr"))).hasSize(7);
    new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("type")))
        .selectByValue("usage");
    clickAndWaitForTheNextPage(
        browser.driver.findElement(By.cssSelector("form[action='/billing/transactions'] button")));
    assertThat(browser.driver.findElements(By.cssSelector("#transactions tbody tr"))).hasSize(4);
    page("transactions-usage");

    // The CSV as the browser's session downloads it.
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    Cookie session = browser.driver.manage().getCookieNamed("wallet_session");
    HttpResponse<String> csv =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(base + "/billing/transactions.csv?month=" + month))
                    .header("Cookie", "wallet_session=" + session.getValue())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("transactions-" + month + ".csv");
    List<String> lines = csv.body().lines().toList();
    List<WalletTransaction> rows =
        ledger.between(
            ada,
            month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
            month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    assertThat(lines).hasSize(rows.size() + 1);
    assertThat(lines.get(0)).isEqualTo("id,created_at,type,amount,balance_after,description");
    for (int i = 0; i < rows.size(); i++) {
      WalletTransaction t = rows.get(i);
      assertThat(lines.get(i + 1))
          .startsWith(
              t.id()
                  + ","
                  + t.createdAt()
                  + ","
                  + t.type().code()
                  + ","
                  + Amounts.format(t.amount())
                  + ","
                  + Amounts.format(t.balanceAfter())
                  + ",");
    }
  }

  private void createAndRevokeAKey() {
    browser.driver.findElement(By.linkText("API keys")).click();
    page("api-keys-none");
    clickAndWaitForTheNextPage(browser.driver.findElement(By.id("create-key")));
    String key = browser.driver.findElement(By.id("new-key")).getAttribute("value");
    assertThat(key).startsWith("ask_");
    page("api-key-created");
    browser.driver.get(base + "/billing/api-keys");
    assertThat(browser.driver.getPageSource()).doesNotContain(key);
    assertThat(browser.driver.findElements(By.cssSelector("#keys tbody tr"))).hasSize(1);
    clickAndWaitForTheNextPage(browser.driver.findElement(By.cssSelector("#keys button.danger")));
    assertThat(browser.driver.getPageSource()).contains("The key was revoked");
    assertThat(daemon.getBean(dev.walletworker.account.ApiKeys.class).accountFor(key)).isEmpty();
  }

  private void signOut() {
    clickAndWaitForTheNextPage(browser.driver.findElement(By.cssSelector("form.signout button")));
    assertThat(browser.driver.getPageSource()).contains("You are signed out.");
    browser.driver.get(base + "/billing");
    assertThat(browser.driver.getCurrentUrl()).endsWith("/billing/sign-in");
  }

  /** action_required email → link → sign in → confirm → webhook → credited → receipt email. */
  private void confirmAPaymentFromItsEmail(Accounts accounts, Ledger ledger) throws Exception {
    String cy = accounts.create("cy@example.com", "Cy", null).account().id();
    ledger.credit(cy, new BigDecimal("2.00"), TransactionType.REFUND, "Opening balance", null);
    accounts.updateSettings(
        cy,
        new SettingsChange()
            .stripeCustomerId(stripe.createCustomer("cy@example.com"))
            .paymentMethodId("pm_card_authenticationRequired")
            .autoTopUpEnabled(true)
            .autoTopUpThreshold(new BigDecimal("5"))
            .autoTopUpAmount(new BigDecimal("25")));

    MimeMessage actionEmail = awaitMail("cy@example.com", "action_required");
    String link = find(CONFIRM_LINK, body(actionEmail));
    assertThat(link).startsWith(base + "/billing/confirm-payment?payment_intent=pi_");

    browser.driver.get(link);
    assertThat(browser.driver.getCurrentUrl()).endsWith("/billing/sign-in");
    signIn("cy@example.com", "Cy");
    // Back to the page the email linked to.
    assertThat(browser.driver.getCurrentUrl()).contains("/billing/confirm-payment?payment_intent=");
    waitFor(() -> browser.driver.findElements(By.id("confirm-button")).size() == 1);
    page("confirm-payment");
    browser.driver.findElement(By.id("confirm-button")).click();
    waitFor(() -> text("confirm-status").contains("Payment confirmed"));
    browser.screenshot("confirm-payment-done");

    awaitMail("cy@example.com", "topup_receipt");
    waitFor(() -> accounts.get(cy).wallet().balance().compareTo(new BigDecimal("27.00")) == 0);
    browser.driver.get(base + "/billing");
    assertThat(text("balance")).isEqualTo("$27.00");
    page("overview-after-confirmation");
  }

  // --- helpers

  private void signIn(String email, String name) throws Exception {
    int before = smtp.getReceivedMessages().length;
    WebElement field = browser.driver.findElement(By.id("email"));
    field.clear();
    field.sendKeys(email);
    field.submit();
    assertThat(browser.driver.getPageSource()).contains("Check your email");
    page("sign-in-sent");
    MimeMessage mail = awaitMail(email, "sign_in_link", before);
    String link = find(SIGN_IN_LINK, body(mail));
    assertThat(link).startsWith(base + "/billing/sign-in/link?token=");
    browser.driver.get(link);
    page("sign-in-link");
    browser.driver.findElement(By.id("continue")).click();
    waitFor(() -> browser.driver.getPageSource().contains(name));
  }

  private void page(String name) {
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

  private static void check(String id, boolean on) {
    WebElement box = browser.driver.findElement(By.id(id));
    if (box.isSelected() != on) {
      box.click();
    }
  }

  private static void submit(String formId) {
    clickAndWaitForTheNextPage(
        browser.driver.findElement(By.cssSelector("form#" + formId + " button[type=submit]")));
  }

  /**
   * Clicks a button that sends a form and waits until the browser left the page: on a loaded
   * machine the navigation may start after the click returns, and the old page would be read.
   */
  private static void clickAndWaitForTheNextPage(WebElement button) {
    WebElement page = browser.driver.findElement(By.tagName("html"));
    button.click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(20))
        .until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(page));
  }

  private static void waitFor(BooleanSupplier condition) {
    new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d -> condition.getAsBoolean());
  }

  private static MimeMessage awaitMail(String to, String kind) throws Exception {
    return awaitMail(to, kind, 0);
  }

  /** The first message of {@code kind} to {@code to} after the first {@code skip} received. */
  private static MimeMessage awaitMail(String to, String kind, int skip) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      MimeMessage[] received = smtp.getReceivedMessages();
      Optional<MimeMessage> found =
          Arrays.stream(received).skip(skip).filter(m -> is(m, to, kind)).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + kind + " email to " + to + " within 30 s");
  }

  private static boolean is(MimeMessage message, String to, String kind) {
    try {
      String[] kinds = message.getHeader("X-Wallet-Email-Kind");
      return kinds != null
          && kinds[0].equals(kind)
          && message.getAllRecipients()[0].toString().contains(to);
    } catch (Exception e) {
      return false;
    }
  }

  private static String body(MimeMessage message) throws Exception {
    return (String) ((Multipart) message.getContent()).getBodyPart(0).getContent();
  }

  private static String find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as("a link in: " + text).isTrue();
    return m.group();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
