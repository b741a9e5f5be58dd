package dev.walletworker.alerts;

import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import java.math.BigDecimal;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Writes the low-balance email of each claimed crossing to the outbox, in the transaction that
 * recorded the crossing. The payload captures what the owner is told: balance, threshold, and
 * whether auto top-up will refill the wallet. The crossing is of the available balance, so the
 * email says that figure, and what holds reserve when they are the difference.
 */
final class EnqueueLowBalanceEmailItemWriter implements ItemWriter<LowBalanceAlert> {

  private static final Logger log = LoggerFactory.getLogger(EnqueueLowBalanceEmailItemWriter.class);

  private final Wallets wallets;
  private final MailOutbox mail;

  EnqueueLowBalanceEmailItemWriter(Database db, MailOutbox mail) {
    this.wallets = new Wallets(db);
    this.mail = mail;
  }

  @Override
  public void write(Chunk<? extends LowBalanceAlert> alerts) {
    for (LowBalanceAlert alert : alerts) {
      Map<String, Object> wallet = wallets.lowBalanceFacts(alert.accountId());
      mail.enqueue(
          alert.accountId(),
          Long.toString(alert.claimedAtMicros()),
          new MailPayload.LowBalance(
              (String) wallet.get("currency"),
              (BigDecimal) wallet.get("balance"),
              (BigDecimal) wallet.get("held"),
              (BigDecimal) wallet.get("available"),
              (BigDecimal) wallet.get("threshold"),
              (Boolean) wallet.get("auto_topup"),
              (BigDecimal) wallet.get("auto_topup_amount"),
              (BigDecimal) wallet.get("auto_topup_threshold")));
      log.info("low-balance alert queued account={}", alert.accountId());
    }
  }
}
