package dev.walletworker.alerts;

import dev.walletworker.db.Database;
import dev.walletworker.mail.MailKind;
import dev.walletworker.mail.MailOutbox;
import java.util.HashMap;
import java.util.Map;
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
  private final MailOutbox mail;

  EnqueueLowBalanceEmailItemWriter(Database db, MailOutbox mail) {
    this.db = db;
    this.mail = mail;
  }

  @Override
  public void write(Chunk<? extends LowBalanceAlert> alerts) {
    for (LowBalanceAlert alert : alerts) {
      Map<String, Object> wallet =
          db.jdbc()
              .sql(
                  "SELECT currency, balance, low_balance_alert_threshold AS threshold,"
                      + " auto_topup_enabled AND stripe_payment_method_id IS NOT NULL AS auto_topup,"
                      + " auto_topup_amount, auto_topup_threshold FROM wallets WHERE account_id = ?")
              .param(alert.accountId())
              .query()
              .singleRow();
      mail.enqueue(
          MailKind.LOW_BALANCE,
          alert.accountId(),
          Long.toString(alert.claimedAtMicros()),
          new HashMap<>(wallet));
      log.info("low-balance alert queued account={}", alert.accountId());
    }
  }
}
