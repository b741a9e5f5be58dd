package dev.walletworker.alerts;

import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
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

  private final Wallets wallets;
  private final Clock clock;

  ClaimLowBalanceAlertItemProcessor(Database db, Clock clock) {
    this.wallets = new Wallets(db);
    this.clock = clock;
  }

  @Override
  public LowBalanceAlert process(String accountId) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (!wallets.claimLowBalanceAlert(accountId, now)) {
      return null;
    }
    return new LowBalanceAlert(accountId, ChronoUnit.MICROS.between(Instant.EPOCH, now));
  }
}
