package dev.walletworker.mail;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one email says, captured when its event happened: one record per {@link MailKind}, so a
 * payload cannot miss a field its templates use (a test renders every kind from its record). Stored
 * as JSON in {@code mail_outbox.payload} under the snake_case names the templates use; money is
 * exact and in {@code currency}.
 */
public sealed interface MailPayload {

  MailKind kind();

  /** The template fields, as stored. */
  Map<String, Object> fields();

  /**
   * The available balance (the balance less what holds reserve for requests in progress) fell below
   * the owner's alert threshold.
   */
  record LowBalance(
      String currency,
      BigDecimal balance,
      BigDecimal held,
      BigDecimal available,
      BigDecimal threshold,
      boolean autoTopUp,
      BigDecimal autoTopUpAmount,
      BigDecimal autoTopUpThreshold)
      implements MailPayload {
    public MailKind kind() {
      return MailKind.LOW_BALANCE;
    }

    public Map<String, Object> fields() {
      return MailPayload.named(
          "currency", currency,
          "balance", balance,
          "held", held,
          "available", available,
          "holds", held.signum() > 0,
          "threshold", threshold,
          "auto_topup", autoTopUp,
          "auto_topup_amount", autoTopUpAmount,
          "auto_topup_threshold", autoTopUpThreshold);
    }
  }

  /** A top-up (automatic or through Checkout) was credited, with its bonus. */
  record TopUpReceipt(
      BigDecimal amount,
      BigDecimal bonus,
      int bonusPercent,
      BigDecimal balance,
      String currency,
      String paymentIntent,
      boolean automatic)
      implements MailPayload {
    public MailKind kind() {
      return MailKind.TOPUP_RECEIPT;
    }

    public Map<String, Object> fields() {
      return MailPayload.named(
          "amount", amount,
          "bonus", bonus,
          "bonus_percent", bonusPercent,
          "balance", balance,
          "currency", currency,
          "payment_intent", paymentIntent,
          "automatic", automatic);
    }
  }

  /**
   * A declined automatic top-up, as both decline emails tell it.
   *
   * @param failures declines in a row, this one included
   * @param retryAfter the cool-down in words ("1 hour")
   */
  record Decline(
      BigDecimal amount,
      String currency,
      BigDecimal balance,
      String declineCode,
      String reason,
      int failures,
      int maxFailures,
      String retryAfter) {
    Map<String, Object> fields() {
      return MailPayload.named(
          "amount", amount,
          "currency", currency,
          "balance", balance,
          "decline_code", declineCode,
          "reason", reason,
          "failures", failures,
          "max_failures", maxFailures,
          "retry_after", retryAfter);
    }
  }

  /** An automatic top-up was declined; another is tried after the cool-down. */
  record TopUpFailed(Decline decline) implements MailPayload {
    public MailKind kind() {
      return MailKind.TOPUP_FAILED;
    }

    public Map<String, Object> fields() {
      return decline.fields();
    }
  }

  /** Auto top-up was switched off after declines in a row. */
  record TopUpDisabled(Decline decline) implements MailPayload {
    public MailKind kind() {
      return MailKind.TOPUP_DISABLED;
    }

    public Map<String, Object> fields() {
      return decline.fields();
    }
  }

  /** The bank asks the owner to authenticate an automatic top-up. */
  record ActionRequired(BigDecimal amount, String currency, BigDecimal balance, String actionUrl)
      implements MailPayload {
    public MailKind kind() {
      return MailKind.ACTION_REQUIRED;
    }

    public Map<String, Object> fields() {
      return MailPayload.named(
          "amount", amount,
          "currency", currency,
          "balance", balance,
          "action_url", actionUrl);
    }
  }

  /** Automatic top-ups stopped for the rest of a 24-hour window. */
  record DailyCapReached(int cap, BigDecimal amount, String currency, BigDecimal balance)
      implements MailPayload {
    public MailKind kind() {
      return MailKind.DAILY_CAP_REACHED;
    }

    public Map<String, Object> fields() {
      return MailPayload.named(
          "cap", cap,
          "amount", amount,
          "currency", currency,
          "balance", balance);
    }
  }

  /**
   * The account was blocked at its monthly limit; {@code zone} is where "next month" starts.
   *
   * @param month as {@code 2026-11}
   */
  record SpendingLimitBlocked(
      BigDecimal limit, BigDecimal spend, String currency, String month, String zone)
      implements MailPayload {
    public MailKind kind() {
      return MailKind.SPENDING_LIMIT_BLOCKED;
    }

    public Map<String, Object> fields() {
      return MailPayload.named(
          "limit", limit,
          "spend", spend,
          "currency", currency,
          "month", month,
          "zone", zone);
    }
  }

  /** Spend reached {@code percent} (80 or 100) of the monthly limit. */
  record SpendingAlert(
      BigDecimal limit, BigDecimal spend, int percent, String currency, String month)
      implements MailPayload {
    public MailKind kind() {
      return MailKind.SPENDING_ALERT;
    }

    public Map<String, Object> fields() {
      return MailPayload.named(
          "limit", limit,
          "spend", spend,
          "percent", percent,
          "currency", currency,
          "month", month);
    }
  }

  /** A spending-limit block was lifted: a new month, or the limit was changed. */
  record AccountUnblocked(boolean newMonth, BigDecimal limit, String currency, String month)
      implements MailPayload {
    public MailKind kind() {
      return MailKind.ACCOUNT_UNBLOCKED;
    }

    public Map<String, Object> fields() {
      return MailPayload.named(
          "new_month", newMonth,
          "limit", limit,
          "currency", currency,
          "month", month);
    }
  }

  /** A one-time link that signs the owner in to the billing pages, and how long it works. */
  record SignInLink(String link, long minutes) implements MailPayload {
    public MailKind kind() {
      return MailKind.SIGN_IN_LINK;
    }

    public Map<String, Object> fields() {
      return MailPayload.named("link", link, "minutes", minutes);
    }
  }

  /** Name-value pairs, in order (a value may be null: stored as JSON null). */
  private static Map<String, Object> named(Object... namesAndValues) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return fields;
  }
}
