package dev.walletworker.mail;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The catalogue of every email the system sends: each kind with its subject and its templates
 * ({@code mail/<code>.txt} and {@code mail/<code>.html} on the classpath). The sample payload is
 * what {@code bin/worker mail preview} renders; its record ({@link MailPayload}) is the payload.
 */
public enum MailKind {
  LOW_BALANCE(
      "Your {{account}} balance is low: {{available}}",
      new MailPayload.LowBalance(
          "USD",
          new BigDecimal("6.20"),
          new BigDecimal("2.00"),
          new BigDecimal("4.20"),
          BigDecimal.TEN,
          true,
          new BigDecimal("25"),
          new BigDecimal("5"))),
  TOPUP_RECEIPT(
      "Receipt: {{amount}} added to your {{account}} wallet",
      new MailPayload.TopUpReceipt(
          new BigDecimal("100"),
          BigDecimal.TEN,
          10,
          new BigDecimal("114.20"),
          "USD",
          "pi_3Example",
          true)),
  TOPUP_FAILED(
      "Auto top-up of {{amount}} failed: {{reason}}",
      new MailPayload.TopUpFailed(
          new MailPayload.Decline(
              new BigDecimal("25"),
              "USD",
              new BigDecimal("4.20"),
              "insufficient_funds",
              "your card has insufficient funds",
              1,
              3,
              "1 hour"))),
  TOPUP_DISABLED(
      "Auto top-up is off after {{failures}} declined charges",
      new MailPayload.TopUpDisabled(
          new MailPayload.Decline(
              new BigDecimal("25"),
              "USD",
              new BigDecimal("4.20"),
              "card_declined",
              "your card was declined",
              3,
              3,
              "1 hour"))),
  ACTION_REQUIRED(
      "Action required: confirm your {{amount}} top-up",
      new MailPayload.ActionRequired(
          new BigDecimal("25"),
          "USD",
          new BigDecimal("4.20"),
          "https://checkout.stripe.com/pay/example")),
  DAILY_CAP_REACHED(
      "Auto top-up paused for today: {{cap}} top-ups in 24 hours",
      new MailPayload.DailyCapReached(5, new BigDecimal("25"), "USD", new BigDecimal("4.20"))),
  SPENDING_LIMIT_BLOCKED(
      "API access paused: {{limit}} monthly spending limit reached",
      new MailPayload.SpendingLimitBlocked(
          new BigDecimal("100"), new BigDecimal("100.04"), "USD", "2026-11", "UTC")),
  SPENDING_ALERT(
      "{{percent}}% of your {{limit}} monthly spending limit used",
      new MailPayload.SpendingAlert(
          new BigDecimal("100"), new BigDecimal("80.12"), 80, "USD", "2026-11")),
  ACCOUNT_UNBLOCKED(
      "API access restored for {{account}}",
      new MailPayload.AccountUnblocked(true, new BigDecimal("100"), "USD", "2026-12")),
  /** The one-time link that signs the owner in to the billing pages (asked for on the page). */
  SIGN_IN_LINK(
      "Your sign-in link for {{account}}",
      new MailPayload.SignInLink(
          "https://dashboard.example.com/billing/sign-in/link?token=example", 15));

  private final String subject;
  private final MailPayload sample;

  MailKind(String subject, MailPayload sample) {
    this.subject = subject;
    this.sample = sample;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The subject as a Mustache template over the same model as the body. */
  String subjectTemplate() {
    return subject;
  }

  /** A realistic payload for previews and tests, as stored. */
  public Map<String, Object> samplePayload() {
    return sample.fields();
  }

  /** A realistic payload for previews and tests: the record of this kind. */
  public MailPayload sample() {
    return sample;
  }

  /** The dedupe key of one occurrence of this kind of event for one account. */
  public String dedupeKey(String accountId, String occurrence) {
    return code() + ":" + accountId + ":" + occurrence;
  }

  public static MailKind fromCode(String code) {
    return Arrays.stream(values())
        .filter(kind -> kind.code().equals(code))
        .findFirst()
        .orElseThrow(
            () ->
                new WalletException(
                    ErrorType.INVALID_REQUEST,
                    "unknown mail kind '"
                        + code
                        + "'; the kinds are "
                        + Arrays.stream(values())
                            .map(MailKind::code)
                            .collect(Collectors.joining(", ")),
                    "kind"));
  }
}
