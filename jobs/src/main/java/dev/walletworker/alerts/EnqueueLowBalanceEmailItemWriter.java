package dev.walletworker.alerts;

import dev.walletworker.db.Database;
import dev.walletworker.mail.MailKind;
import java.sql.Timestamp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Writes the low-balance email of each claimed crossing to the outbox, in the transaction that
 * recorded the crossing. The payload captures what the owner is told: balance, threshold, and
 * whether auto top-up will refill the wallet.
 */
final class EnqueueLowBalanceEmailItemWriter implements ItemWriter<LowBalanceAlert> {

  private static final Logger log = LoggerFactory.getLogger(EnqueueLowBalanceEmailItemWriter.class);

  private final Database db;
  private final Clock clock;

  EnqueueLowBalanceEmailItemWriter(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public void write(Chunk<? extends LowBalanceAlert> alerts) {
    Timestamp now = Timestamp.from(clock.instant());
    for (LowBalanceAlert alert : alerts) {
      db.jdbc()
          .sql(
              "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload,"
                  + " next_attempt_at, created_at)"
                  + " SELECT ?, ?, a.id, a.email, jsonb_build_object("
                  + "   'name', a.display_name, 'currency', w.currency, 'balance', w.balance,"
                  + "   'threshold', w.low_balance_alert_threshold,"
                  + "   'auto_topup', w.auto_topup_enabled AND w.stripe_payment_method_id IS NOT NULL,"
                  + "   'auto_topup_amount', w.auto_topup_amount,"
                  + "   'auto_topup_threshold', w.auto_topup_threshold), ?, ?"
                  + " FROM accounts a JOIN wallets w ON w.account_id = a.id WHERE a.id = ?"
                  + " ON CONFLICT (dedupe_key) DO NOTHING")
          .params(
              MailKind.LOW_BALANCE.dedupeKey(
                  alert.accountId(), Long.toString(alert.claimedAtMicros())),
              MailKind.LOW_BALANCE.code(),
              now,
              now,
              alert.accountId())
          .update();
      log.info("low-balance alert queued account={}", alert.accountId());
    }
  }
}
