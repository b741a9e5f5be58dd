package dev.walletworker.alerts;

import dev.walletworker.db.Database;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Claims a candidate wallet for its alert: a conditional update that only succeeds while the wallet
 * is still armed and below its threshold. A wallet claimed by another run (or that went back above)
 * is filtered out, so one crossing yields one alert whoever processes it. Runs inside the chunk's
 * transaction: if the chunk fails, the claim is rolled back with it.
 */
final class ClaimLowBalanceAlertItemProcessor implements ItemProcessor<String, LowBalanceAlert> {

  private final Database db;
  private final Clock clock;

  ClaimLowBalanceAlertItemProcessor(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public LowBalanceAlert process(String accountId) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int claimed =
        db.jdbc()
            .sql(
                "UPDATE wallets SET low_balance_alerted_at = ? WHERE account_id = ?"
                    + " AND low_balance_alert_enabled AND low_balance_alerted_at IS NULL"
                    + " AND balance < low_balance_alert_threshold")
            .params(Timestamp.from(now), accountId)
            .update();
    if (claimed == 0) {
      return null;
    }
    return new LowBalanceAlert(accountId, ChronoUnit.MICROS.between(Instant.EPOCH, now));
  }
}
