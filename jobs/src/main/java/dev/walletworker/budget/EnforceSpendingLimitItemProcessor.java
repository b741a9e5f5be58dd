package dev.walletworker.budget;

import dev.walletworker.db.Database;
import dev.walletworker.mail.MailKind;
import dev.walletworker.mail.MailOutbox;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.Clock;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Decides one account against its spending limit, holding the wallet's row lock: block at the limit
 * (action block), alert at the limit and at 80% once a month (action alert), and lift a
 * spending-limit block that no longer applies (a new month, a raised or disabled limit, or the
 * action switched to alert). Returns what it did last, or null.
 */
final class EnforceSpendingLimitItemProcessor implements ItemProcessor<String, String> {

  private static final BigDecimal HEADS_UP = new BigDecimal("0.8");

  private final Database db;
  private final SpendingBlocks blocks;
  private final MailOutbox mail;
  private final Clock clock;

  EnforceSpendingLimitItemProcessor(
      Database db, SpendingBlocks blocks, MailOutbox mail, Clock clock) {
    this.db = db;
    this.blocks = blocks;
    this.mail = mail;
    this.clock = clock;
  }

  @Override
  public String process(String accountId) {
    Map<String, Object> w =
        db.jdbc()
            .sql(
                "SELECT w.*, a.status, a.blocked_reason, a.blocked_since FROM wallets w JOIN accounts a ON a.id = w.account_id"
                    + " WHERE w.account_id = ? FOR UPDATE OF w")
            .param(accountId)
            .query()
            .singleRow();
    YearMonth month = blocks.currentMonth();
    Date monthStart = Date.valueOf(month.atDay(1));
    boolean enabled = (Boolean) w.get("spending_limit_enabled");
    BigDecimal limit = (BigDecimal) w.get("spending_limit_monthly");
    boolean block = "block".equals(w.get("spending_limit_action"));
    BigDecimal spend =
        monthStart.equals(w.get("spend_month"))
            ? (BigDecimal) w.get("spend_month_to_date")
            : BigDecimal.ZERO;
    String currency = (String) w.get("currency");
    boolean over = enabled && spend.compareTo(limit) >= 0;
    boolean near = enabled && spend.compareTo(limit.multiply(HEADS_UP)) >= 0;
    boolean blockedByLimit =
        "blocked".equals(w.get("status")) && SpendingBlocks.REASON.equals(w.get("blocked_reason"));

    String done = null;
    if (blockedByLimit && !(over && block)) {
      boolean newMonth =
          ((java.sql.Timestamp) w.get("blocked_since")).toInstant().isBefore(blocks.start(month));
      done = blocks.unblock(accountId, newMonth, limit, currency, month) ? "unblocked" : null;
      // Not done yet: an account switched from block to alert while over its limit gets its
      // 100% alert in this same run, as any account over its limit under alert does.
    }
    if (over && block) {
      blocks.block(accountId, limit, spend, currency, month);
      return "blocked";
    }
    if (!block && over && !monthStart.equals(w.get("spend_alert_month"))) {
      alert(accountId, limit, spend, currency, month, 100);
      db.jdbc()
          .sql(
              "UPDATE wallets SET spend_alert_month = ?, spend_warning_month = ? WHERE account_id = ?")
          .params(monthStart, monthStart, accountId)
          .update();
      return "alerted";
    }
    if (!block && near && !over && !monthStart.equals(w.get("spend_warning_month"))) {
      alert(accountId, limit, spend, currency, month, 80);
      db.jdbc()
          .sql("UPDATE wallets SET spend_warning_month = ? WHERE account_id = ?")
          .params(monthStart, accountId)
          .update();
      return "warned";
    }
    return done;
  }

  private void alert(
      String accountId,
      BigDecimal limit,
      BigDecimal spend,
      String currency,
      YearMonth month,
      int percent) {
    Map<String, Object> payload = new HashMap<>();
    payload.put("limit", limit);
    payload.put("spend", spend);
    payload.put("percent", percent);
    payload.put("currency", currency);
    payload.put("month", month.toString());
    // One email per alert: spend_alert_month and spend_warning_month, set in this transaction,
    // keep a re-run from alerting again; a change of the limit re-arms them (Accounts), and the
    // alert's time in the key lets the re-armed alert be queued in the same month.
    mail.enqueue(
        MailKind.SPENDING_ALERT, accountId, month + ":" + percent + ":" + clock.millis(), payload);
  }
}
