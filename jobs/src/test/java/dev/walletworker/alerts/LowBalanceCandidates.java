package dev.walletworker.alerts;

import dev.walletworker.db.Database;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;

/** The low-balance-alerts job's own candidate reader and condition, for benchmarks elsewhere. */
public final class LowBalanceCandidates {

  /** The condition of the job's reader, as the job writes it. */
  public static final String CONDITION = dev.walletworker.account.Wallets.LOW_BALANCE_CANDIDATE;

  private LowBalanceCandidates() {}

  /** The reader the job runs, built by the job's own bean method. */
  public static JdbcPagingItemReader<String> reader(Database db, int chunkSize) throws Exception {
    JdbcPagingItemReader<String> reader =
        new LowBalanceAlertsJobConfiguration().lowBalanceCandidatesItemReader(db, chunkSize);
    reader.afterPropertiesSet();
    return reader;
  }
}
