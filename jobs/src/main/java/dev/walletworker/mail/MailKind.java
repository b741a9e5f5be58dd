package dev.walletworker.mail;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The catalogue of every email the system sends: each kind with its subject and its templates
 * ({@code mail/<code>.txt} and {@code mail/<code>.html} on the classpath). The sample payload is
 * what {@code bin/worker mail preview} renders, and documents the payload the kind expects.
 */
public enum MailKind {
  LOW_BALANCE(
      "Your {{account}} balance is low: {{balance}}",
      Map.of(
          "balance",
          4.20,
          "threshold",
          10,
          "currency",
          "USD",
          "auto_topup",
          true,
          "auto_topup_amount",
          25,
          "auto_topup_threshold",
          5)),
  TOPUP_RECEIPT(
      "Receipt: {{amount}} added to your {{account}} wallet",
      Map.of(
          "amount",
          100,
          "bonus",
          10,
          "bonus_percent",
          10,
          "balance",
          114.20,
          "currency",
          "USD",
          "payment_intent",
          "pi_3Example",
          "automatic",
          true)),
  TOPUP_FAILED(
      "Auto top-up of {{amount}} failed: {{reason}}",
      Map.of(
          "amount",
          25,
          "currency",
          "USD",
          "balance",
          4.20,
          "decline_code",
          "insufficient_funds",
          "reason",
          "your card has insufficient funds",
          "retry_after",
          "1 hour",
          "failures",
          1,
          "max_failures",
          3)),
  TOPUP_DISABLED(
      "Auto top-up is off after {{failures}} declined charges",
      Map.of(
          "amount",
          25,
          "currency",
          "USD",
          "balance",
          4.20,
          "failures",
          3,
          "reason",
          "your card was declined")),
  ACTION_REQUIRED(
      "Action required: confirm your {{amount}} top-up",
      Map.of(
          "amount",
          25,
          "currency",
          "USD",
          "balance",
          4.20,
          "action_url",
          "https://checkout.stripe.com/pay/example")),
  DAILY_CAP_REACHED(
      "Auto top-up paused for today: {{cap}} top-ups in 24 hours",
      Map.of("cap", 5, "amount", 25, "currency", "USD", "balance", 4.20)),
  SPENDING_LIMIT_BLOCKED(
      "API access paused: {{limit}} monthly spending limit reached",
      Map.of("limit", 100, "spend", 100.04, "currency", "USD", "month", "2026-11", "zone", "UTC")),
  SPENDING_ALERT(
      "{{percent}}% of your {{limit}} monthly spending limit used",
      Map.of("limit", 100, "spend", 80.12, "percent", 80, "currency", "USD", "month", "2026-11")),
  ACCOUNT_UNBLOCKED(
      "API access restored for {{account}}",
      Map.of("new_month", true, "limit", 100, "currency", "USD", "month", "2026-12")),
  /** The one-time link that signs the owner in to the billing pages (asked for on the page). */
  SIGN_IN_LINK(
      "Your sign-in link for {{account}}",
      Map.of(
          "link",
          "https://dashboard.example.com/billing/sign-in/link?token=example",
          "minutes",
          15));

  private final String subject;
  private final Map<String, Object> sample;

  MailKind(String subject, Map<String, Object> sample) {
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

  /** A realistic payload for previews and tests. */
  public Map<String, Object> samplePayload() {
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
