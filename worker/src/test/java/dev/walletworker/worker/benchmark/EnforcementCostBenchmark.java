package dev.walletworker.worker.benchmark;

import static dev.walletworker.worker.benchmark.BenchmarkReport.median;
import static dev.walletworker.worker.benchmark.BenchmarkReport.verdict;

import dev.walletworker.budget.BudgetJobsConfiguration;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.testing.BatchJobs;
import dev.walletworker.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.dao.DataAccessException;

/**
 * Benchmark 6: budget-enforcement cost against ledger size. The same 10,000 accounts with spending
 * limits, the same 300 of them to act on, with 10^5 and with 10^7 rows in {@code
 * wallet_transactions}; the real job (through {@link BatchJobs}), several runs at each size, the
 * state it changed reset before each run so that each does the same work.
 *
 * <p>Both ledgers are built once: the migrated table holds 10^7 rows and a copy of it ({@code LIKE
 * ... INCLUDING ALL}, with its foreign keys) 10^5; a rename puts one or the other in place before
 * each run, so the two sizes alternate run by run. On a shared machine whose load drifts over
 * minutes, that is what lets the ratio show the ledger's effect rather than the drift.
 */
class EnforcementCostBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int ACCOUNTS = 10_000;
  private static final long SMALL = 100_000;
  private static final long LARGE = 10_000_000;
  private static final String SMALL_TABLE = "wallet_transactions_small";
  private static final String PARKED = "wallet_transactions_parked";
  private static final int RUNS = 9;
  private static final double TARGET = 1.2;

  /** Mid-month, so every wallet's spend counts for the month the job enforces. */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-15T12:00:00Z"), ZoneOffset.UTC);

  private static final int OVER_BLOCK = 100;
  private static final int OVER_ALERT = 100;
  private static final int NEAR_ALERT = 100;

  private boolean largeInPlace = true;

  @Test
  void enforcementCostDoesNotGrowWithTheLedger() throws Exception {
    givenAccountsWithSpendingLimits();
    long fill = System.nanoTime();
    fillLedger("wallet_transactions", LARGE);
    long largeFill = (System.nanoTime() - fill) / 1_000_000;
    String largeSize = size("wallet_transactions");
    db.jdbc()
        .sql("CREATE TABLE " + SMALL_TABLE + " (LIKE wallet_transactions INCLUDING ALL)")
        .update();
    db.jdbc()
        .sql(
            "ALTER TABLE "
                + SMALL_TABLE
                + " ADD FOREIGN KEY (account_id) REFERENCES accounts (id),"
                + " ADD FOREIGN KEY (related_txn_id) REFERENCES "
                + SMALL_TABLE
                + " (id)")
        .update();
    fillLedger(SMALL_TABLE, SMALL);
    checkpoint();
    try (BatchJobs jobs =
        new BatchJobs(
            db,
            CLOCK,
            List.of(new MailOutbox(db.database(), CLOCK)),
            BudgetJobsConfiguration.class)) {
      List<Long> small = new ArrayList<>();
      List<Long> large = new ArrayList<>();
      for (int i = 0; i <= RUNS; i++) {
        long smallRun = enforce(jobs, false);
        long largeRun = enforce(jobs, true);
        if (i > 0) { // the first pair warms up
          small.add(smallRun);
          large.add(largeRun);
        }
      }
      double ratio = (double) median(large) / median(small);
      String report =
          String.format(
              "budget enforcement: %,d accounts with monthly limits; each run blocks %d, alerts %d"
                  + " at the limit and %d at 80%% (%d candidates); state reset before each run%n"
                  + "  10^5 ledger rows: median %d ms (runs %s ms)%n"
                  + "  10^7 ledger rows: median %d ms (runs %s ms)%n"
                  + "  ratio 10^7 / 10^5: %.2f (target <= %.1f: %s); sizes alternate run by run%n"
                  + "  the 10^7 ledger: %s with its indexes, filled in %.0f s%n",
              ACCOUNTS,
              OVER_BLOCK,
              OVER_ALERT,
              NEAR_ALERT,
              OVER_BLOCK + OVER_ALERT + NEAR_ALERT,
              median(small),
              small,
              median(large),
              large,
              ratio,
              TARGET,
              verdict(ratio <= TARGET),
              largeSize,
              largeFill / 1000.0);
      BenchmarkReport.publish("enforcement-cost", report);
    } finally {
      put(true);
      db.jdbc().sql("DROP TABLE IF EXISTS " + SMALL_TABLE).update();
    }
  }

  /*
   * 10,000 accounts with a $100 monthly limit: 100 over it with action block, 100 over it with
   * action alert, 100 at 85% with action alert, the rest at 10% (not candidates).
   */
  private static void givenAccountsWithSpendingLimits() {
    db.jdbc()
        .sql(
            "INSERT INTO accounts (id, email, created_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), 'owner' || g || '@example.com', now()"
                + " FROM generate_series(1, ?) g")
        .param(ACCOUNTS)
        .update();
    db.jdbc()
        .sql(
            "INSERT INTO wallets (account_id, balance, spending_limit_enabled,"
                + " spending_limit_monthly, spending_limit_action, spend_month,"
                + " spend_month_to_date, updated_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), 500, true, 100,"
                + " CASE WHEN g <= ? THEN 'block' ELSE 'alert' END, DATE '2026-11-01',"
                + " CASE WHEN g <= ? THEN 120 WHEN g <= ? THEN 85 ELSE 10 END, now()"
                + " FROM generate_series(1, ?) g")
        .params(OVER_BLOCK, OVER_BLOCK + OVER_ALERT, OVER_BLOCK + OVER_ALERT + NEAR_ALERT, ACCOUNTS)
        .update();
    db.jdbc().sql("ANALYZE accounts, wallets").update();
  }

  /*
   * Rows 1..{@code rows} in one statement, within the table's constraints. Rows of one account are
   * contiguous, as a wallet's history is in the indexes: in random account order the fill takes
   * several times as long, for nothing the job reads. The foreign-key check (a third of the fill)
   * is skipped where the server lets us (superuser): every account id here exists by construction.
   */
  private static void fillLedger(String table, long rows) throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL session_replication_role = replica");
      } catch (SQLException notAllowed) {
        c.rollback();
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO "
                  + table
                  + " (id, account_id, type, amount, balance_after, description, created_at)"
                  + " SELECT 'txn_' || lpad(g::text, 24, '0'),"
                  + " 'acct_' || lpad((((g - 1) / ?) % ? + 1)::text, 16, '0'),"
                  + " 'usage', -0.01, 100, 'API usage',"
                  + " TIMESTAMPTZ '2026-11-01 00:00:00Z' + g * INTERVAL '100 microseconds'"
                  + " FROM generate_series(1::bigint, ?::bigint) g")) {
        insert.setLong(1, Math.max(1, rows / ACCOUNTS));
        insert.setInt(2, ACCOUNTS);
        insert.setLong(3, rows);
        insert.executeUpdate();
      }
      c.commit();
      c.setAutoCommit(true);
    }
    db.jdbc().sql("ANALYZE " + table).update();
  }

  /** The fill's dirty pages are written now, not by the checkpointer during the timed runs. */
  private static void checkpoint() {
    try {
      db.jdbc().sql("CHECKPOINT").update();
    } catch (DataAccessException notAllowed) {
      System.err.println("enforcement benchmark: CHECKPOINT not allowed, runs may see its writes");
    }
  }

  private static String size(String table) {
    return db.jdbc()
        .sql("SELECT pg_size_pretty(pg_total_relation_size(?::regclass))")
        .param(table)
        .query(String.class)
        .single();
  }

  /**
   * Renames the ledgers so that the large one, or the small one, is {@code wallet_transactions}.
   */
  private void put(boolean large) {
    if (largeInPlace != large) {
      String other = large ? "wallet_transactions_large" : SMALL_TABLE;
      String away = large ? SMALL_TABLE : "wallet_transactions_large";
      db.database()
          .inTransaction(
              () -> {
                db.jdbc().sql("ALTER TABLE wallet_transactions RENAME TO " + PARKED).update();
                db.jdbc().sql("ALTER TABLE " + other + " RENAME TO wallet_transactions").update();
                db.jdbc().sql("ALTER TABLE " + PARKED + " RENAME TO " + away).update();
                return null;
              });
      largeInPlace = large;
    }
    long rows =
        db.jdbc()
            .sql(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = 'wallet_transactions'::regclass")
            .query(Long.class)
            .single();
    // The planner's row count (from ANALYZE) is an estimate: enough to tell the two apart.
    if ((rows > (LARGE + SMALL) / 2) != large) {
      throw new AssertionError("wallet_transactions holds " + rows + " rows");
    }
  }

  /** One run of the job on the given ledger; checked to have done the same work as every run. */
  private long enforce(BatchJobs jobs, boolean large) {
    put(large);
    reset();
    long start = System.nanoTime();
    JobExecution run = jobs.run(BudgetJobsConfiguration.ENFORCEMENT_JOB);
    long took = (System.nanoTime() - start) / 1_000_000;
    int blocked =
        db.jdbc()
            .sql("SELECT count(*) FROM accounts WHERE status = 'blocked'")
            .query(Integer.class)
            .single();
    int mails = db.jdbc().sql("SELECT count(*) FROM mail_outbox").query(Integer.class).single();
    if (run.getStatus() != BatchStatus.COMPLETED
        || blocked != OVER_BLOCK
        || mails != OVER_BLOCK + OVER_ALERT + NEAR_ALERT) {
      throw new AssertionError(
          "run " + run.getStatus() + ": " + blocked + " blocked, " + mails + " emails queued");
    }
    return took;
  }

  /** Undoes what a run did: blocks, this month's alert marks, queued mail. */
  private static void reset() {
    db.jdbc()
        .sql(
            "UPDATE accounts SET status = 'active', blocked_reason = NULL, blocked_since = NULL"
                + " WHERE status = 'blocked'")
        .update();
    db.jdbc()
        .sql(
            "UPDATE wallets SET spend_alert_month = NULL, spend_warning_month = NULL"
                + " WHERE spend_alert_month IS NOT NULL OR spend_warning_month IS NOT NULL")
        .update();
    db.jdbc().sql("DELETE FROM mail_outbox").update();
    db.jdbc().sql("VACUUM ANALYZE accounts, wallets, mail_outbox").update();
  }
}
