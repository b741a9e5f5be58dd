package dev.walletworker.topup;

import dev.walletworker.db.Database;
import dev.walletworker.testing.TestTopUpSettings;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;

/** The auto-topup job's own candidate reader and condition, for benchmarks in other packages. */
public final class AutoTopUpCandidates {

  /** The condition of the claim step, as the job writes it (the wallet is aliased {@code w}). */
  public static final String CONDITION = dev.walletworker.account.Wallets.AUTO_TOPUP_CANDIDATE;

  private AutoTopUpCandidates() {}

  /** The reader the claim step runs, built by the job's own bean method. */
  public static JdbcPagingItemReader<String> reader(Database db, int pageSize) throws Exception {
    TopUpSettings settings =
        TestTopUpSettings.standard().withBatchSize(pageSize).withConcurrency(8);
    JdbcPagingItemReader<String> reader =
        new AutoTopUpJobConfiguration().autoTopUpCandidatesItemReader(db, settings);
    reader.afterPropertiesSet();
    return reader;
  }
}
