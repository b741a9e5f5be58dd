package dev.walletworker.budget;

import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.Clock;
import java.time.YearMonth;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Decides one account against its spending limit, holding the wallet's row lock: block at the limit
 * (action block), alert at the limit and at 80% once a month (action alert), and lift a
 * spending-limit block that no longer applies (a new month, a raised or disabled limit, or the
 * action switched to alert). Returns what it did last, or null.
 */
final class EnforceSpendingLimitItemProcessor implements ItemProcessor<String, String> {

  private final Wallets wallets;
  private final SpendingBlocks blocks;
  private final MailOutbox mail;
  private final Clock clock;

  EnforceSpendingLimitItemProcessor(
      Database db, SpendingBlocks blocks, MailOutbox mail, Clock clock) {
    this.wallets = new Wallets(db);
    this.blocks = blocks;
    this.mail = mail;
    this.clock = clock;
  }

  @Override
  public String process(String accountId) {
    Wallets.SpendState w = wallets.lockSpendState(accountId);
    YearMonth month = blocks.currentMonth();
    Date monthStart = Date.valueOf(month.atDay(1));
    boolean enabled = w.enabled();
    BigDecimal limit = w.limit();
    boolean block = w.blockAction();
    BigDecimal spend = monthStart.equals(w.spendMonth()) ? w.spendMonthToDate() : BigDecimal.ZERO;
    String currency = w.currency();
    boolean over = enabled && spend.compareTo(limit) >= 0;
    boolean near = enabled && spend.compareTo(limit.multiply(Wallets.SPEND_WARNING_SHARE)) >= 0;
    boolean blockedByLimit = w.blockedByLimit();

    String done = null;
    if (blockedByLimit && !(over && block)) {
      boolean newMonth = w.blockedSince().isBefore(blocks.start(month));
      done = blocks.unblock(accountId, newMonth, limit, currency, month) ? "unblocked" : null;
      // Not done yet: an account switched from block to alert while over its limit gets its
      // 100% alert in this same run, as any account over its limit under alert does.
    }
    if (over && block) {
      blocks.block(accountId, limit, spend, currency, month);
      return "blocked";
    }
    if (!block && over && !monthStart.equals(w.alertMonth())) {
      alert(accountId, limit, spend, currency, month, 100);
      wallets.markSpendAlerted(accountId, monthStart);
      return "alerted";
    }
    if (!block && near && !over && !monthStart.equals(w.warningMonth())) {
      alert(accountId, limit, spend, currency, month, 80);
      wallets.markSpendWarned(accountId, monthStart);
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
    // One email per alert: spend_alert_month and spend_warning_month, set in this transaction,
    // keep a re-run from alerting again; a change of the limit re-arms them (Accounts), and the
    // alert's time in the key lets the re-armed alert be queued in the same month.
    mail.enqueue(
        accountId,
        month + ":" + percent + ":" + clock.millis(),
        new MailPayload.SpendingAlert(limit, spend, percent, currency, month.toString()));
  }
}
