package dev.walletworker.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MailRendererTest {

  private final MailRenderer renderer = new MailRenderer("https://dashboard.example.com/");

  @ParameterizedTest
  @EnumSource(MailKind.class)
  void everyKindRendersItsSampleWithTheDashboardLink(MailKind kind) {
    RenderedMail mail =
        renderer.render(
            kind, "acct_0123456789abcdef", "ada@example.com", "Ada", kind.samplePayload());

    assertThat(mail.subject()).isNotBlank().doesNotContain("{{", "\n", "\r");
    assertThat(mail.text())
        .contains("Hello Ada,", "https://dashboard.example.com/billing", "acct_0123456789abcdef");
    assertThat(mail.html())
        .contains("Hello Ada,", "href=\"https://dashboard.example.com/billing\"", "<html");
    assertThat(mail.text() + mail.html()).doesNotContain("{{", "}}");
  }

  @Test
  void lowBalanceNamesBalanceAndThresholdInCurrencyAndSaysWhatHappensNext() {
    Map<String, Object> payload = new HashMap<>(MailKind.LOW_BALANCE.samplePayload());
    RenderedMail on =
        renderer.render(MailKind.LOW_BALANCE, "acct_x", "ada@example.com", null, payload);

    assertThat(on.subject()).isEqualTo("Your ada@example.com balance is low: $4.20");
    assertThat(on.text())
        .contains(
            "Your available balance is $4.20, below the $10.00 alert threshold",
            "The wallet holds $6.20, of which $2.00 is reserved for API requests in progress.",
            "charge your saved card $25.00");
    assertThat(on.html()).contains("of which $2.00 is reserved");

    payload.put("auto_topup", false);
    payload.put("holds", false);
    RenderedMail off =
        renderer.render(MailKind.LOW_BALANCE, "acct_x", "ada@example.com", "Ada", payload);
    assertThat(off.text())
        .contains("Add credits here", "turn on auto top-up")
        .doesNotContain("$25.00", "reserved");
  }

  @Test
  void aLowBalanceEmailQueuedBeforeHoldsExistedStillRenders() {
    Map<String, Object> queued =
        Map.of(
            "currency", "USD",
            "balance", "4.20",
            "threshold", "10",
            "auto_topup", false,
            "auto_topup_amount", "25",
            "auto_topup_threshold", "5");

    RenderedMail mail =
        renderer.render(MailKind.LOW_BALANCE, "acct_x", "a@example.com", "Ada", queued);

    assertThat(mail.subject()).isEqualTo("Your Ada balance is low: $4.20");
    assertThat(mail.text())
        .contains("Your available balance is $4.20, below the $10.00")
        .doesNotContain("reserved");
  }

  @Test
  void monthsAreWrittenAsPeopleSayThem() {
    RenderedMail blocked =
        renderer.render(
            MailKind.SPENDING_LIMIT_BLOCKED,
            "acct_x",
            "a@example.com",
            "Ada",
            Map.of(
                "limit",
                100,
                "spend",
                100.04,
                "currency",
                "USD",
                "month",
                "2026-11",
                "zone",
                "Europe/Paris"));
    RenderedMail alert =
        renderer.render(
            MailKind.SPENDING_ALERT,
            "acct_x",
            "a@example.com",
            "Ada",
            MailKind.SPENDING_ALERT.samplePayload());
    RenderedMail unblocked =
        renderer.render(
            MailKind.ACCOUNT_UNBLOCKED,
            "acct_x",
            "a@example.com",
            "Ada",
            MailKind.ACCOUNT_UNBLOCKED.samplePayload());

    assertThat(blocked.text())
        .contains("($100.04 spent in November 2026)", "start of next month (Europe/Paris time)");
    assertThat(blocked.html()).contains("spent in November 2026", "(Europe/Paris time)");
    assertThat(alert.text() + alert.html()).contains("so far in November 2026");
    assertThat(unblocked.text() + unblocked.html()).contains("a new month (December 2026)");
    for (RenderedMail mail : java.util.List.of(blocked, alert, unblocked)) {
      assertThat(mail.subject() + mail.text() + mail.html()).doesNotContain("2026-11", "2026-12");
    }
  }

  @Test
  void aBlockEmailQueuedBeforeItsPayloadNamedTheZoneStillReads() {
    RenderedMail mail =
        renderer.render(
            MailKind.SPENDING_LIMIT_BLOCKED,
            "acct_x",
            "a@example.com",
            null,
            Map.of("limit", 100, "spend", 100.04, "currency", "USD", "month", "2026-11"));

    assertThat(mail.text()).contains("at the start of next month.");
  }

  @Test
  void moneyIsRoundedToCentsInTheWalletsCurrency() {
    assertThat(MailRenderer.money(new BigDecimal("4.2049"), "USD")).isEqualTo("$4.20");
    assertThat(MailRenderer.money(new BigDecimal("0.005"), "USD")).isEqualTo("$0.01");
    assertThat(MailRenderer.money(new BigDecimal("1250"), "EUR")).isEqualTo("€1,250.00");
  }

  @Test
  void htmlEscapesWhatTheOwnerTyped() {
    RenderedMail mail =
        renderer.render(
            MailKind.LOW_BALANCE,
            "acct_x",
            "a@example.com",
            "<script>alert(1)</script>",
            MailKind.LOW_BALANCE.samplePayload());

    assertThat(mail.html()).contains("&lt;script&gt;").doesNotContain("<script>");
  }

  @Test
  void subjectsCannotCarryLineBreaks() {
    Map<String, Object> payload = new HashMap<>(MailKind.TOPUP_FAILED.samplePayload());
    payload.put("reason", "declined\r\nBcc: attacker@evil.example");

    assertThat(
            renderer
                .render(MailKind.TOPUP_FAILED, "acct_x", "a@example.com", null, payload)
                .subject())
        .doesNotContain("\r", "\n")
        .contains("declined Bcc: attacker@evil.example");
  }

  @Test
  void theDeclineEmailSaysWhenTheNextTryIsAsAPersonWould() {
    MailRenderer renderer = new MailRenderer("https://dashboard.example.com");
    Map<String, Object> payload = new HashMap<>(MailKind.TOPUP_FAILED.samplePayload());
    payload.put("retry_after", dev.walletworker.Durations.words(java.time.Duration.ofSeconds(30)));

    String text =
        renderer.render(MailKind.TOPUP_FAILED, "acct_x", "a@example.com", null, payload).text();

    assertThat(text).contains("We will try again in 30 seconds").doesNotContain("0 minutes");

    // A message queued before the wording changed still reads as a person would say it.
    payload.remove("retry_after");
    payload.put("retry_after_minutes", 60);
    assertThat(
            renderer.render(MailKind.TOPUP_FAILED, "acct_x", "a@example.com", null, payload).text())
        .contains("We will try again in 1 hour")
        .doesNotContain("60 minutes");
  }
}
