package dev.walletworker.worker.benchmark;

import static dev.walletworker.worker.benchmark.BenchmarkReport.median;

import dev.walletworker.alerts.LowBalanceCandidates;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.topup.AutoTopUpCandidates;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;

/**
 * Benchmark 1: candidate scan. 1,000,000 wallets, 1% below their auto top-up and alert thresholds;
 * the time the jobs' own candidate readers (keyset pages over the partial indexes) take to find all
 * of them, against a full-table scan answering the same question, measured in the same run.
 */
class CandidateScanBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int WALLETS = 1_000_000;
  private static final int BELOW = WALLETS / 100;
  private static final int RUNS = 7;

  /** The defaults: AUTO_TOPUP_BATCH_SIZE and LOW_BALANCE_ALERTS_CHUNK_SIZE. */
  private static final int TOPUP_PAGE = 50;

  private static final int ALERTS_PAGE = 100;

  @Test
  void candidateScan() throws Exception {
    long fill = System.nanoTime();
    givenAMillionWalletsOnePercentBelowTheirThresholds();
    long fillMillis = (System.nanoTime() - fill) / 1_000_000;

    Scan topUp =
        measure(
            () -> AutoTopUpCandidates.reader(db.database(), TOPUP_PAGE),
            AutoTopUpCandidates.CONDITION);
    Scan alerts =
        measure(
            () -> LowBalanceCandidates.reader(db.database(), ALERTS_PAGE),
            LowBalanceCandidates.CONDITION);

    String report =
        String.format(
            "candidate scan: %,d wallets, %,d (1%%) below their threshold; median of %d warm runs,"
                + " interleaved (fill took %.1f s)%n"
                + "  auto top-up claim reader (wallets_auto_topup_candidates, pages of %d):"
                + " %d ms, %,d found%n"
                + "    full-table scan of the same question (index scans off):           %d ms, %,d found%n"
                + "    ratio reader / full scan: %.3f (no numeric target; below 1 means the index pays)%n"
                + "  low-balance alerts reader (wallets_low_balance_candidates, pages of %d):"
                + " %d ms, %,d found%n"
                + "    full-table scan of the same question (index scans off):            %d ms, %,d found%n"
                + "    ratio reader / full scan: %.3f%n"
                + "plans (EXPLAIN ANALYZE, warm):%n%s%n%s",
            WALLETS,
            BELOW,
            RUNS,
            fillMillis / 1000.0,
            TOPUP_PAGE,
            topUp.readerMillis,
            topUp.readerFound,
            topUp.fullMillis,
            topUp.fullFound,
            (double) topUp.readerMillis / topUp.fullMillis,
            ALERTS_PAGE,
            alerts.readerMillis,
            alerts.readerFound,
            alerts.fullMillis,
            alerts.fullFound,
            (double) alerts.readerMillis / alerts.fullMillis,
            topUp.plans,
            alerts.plans);
    BenchmarkReport.publish("candidate-scan", report);
    if (topUp.readerFound != BELOW || topUp.fullFound != BELOW) {
      throw new AssertionError(
          "auto top-up scans found " + topUp.readerFound + "/" + topUp.fullFound);
    }
    if (alerts.readerFound != BELOW || alerts.fullFound != BELOW) {
      throw new AssertionError("alert scans found " + alerts.readerFound + "/" + alerts.fullFound);
    }
  }

  /*
   * Every wallet has both features on with a card on file, so only the balance tells a candidate
   * from the rest: the partial index has to do the work, not a cheap "feature enabled" filter.
   */
  private static void givenAMillionWalletsOnePercentBelowTheirThresholds() {
    db.jdbc()
        .sql(
            "INSERT INTO accounts (id, email, created_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), 'owner' || g || '@example.com', now()"
                + " FROM generate_series(1, ?) g")
        .param(WALLETS)
        .update();
    db.jdbc()
        .sql(
            "INSERT INTO wallets (account_id, balance, auto_topup_enabled, auto_topup_threshold,"
                + " auto_topup_amount, stripe_customer_id, stripe_payment_method_id,"
                + " low_balance_alert_enabled, low_balance_alert_threshold, updated_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'),"
                + " CASE WHEN g % 100 = 0 THEN 4.50 ELSE 120.00 END, true, 10, 50,"
                + " 'cus_' || g, 'pm_' || g, true, 10, now()"
                + " FROM generate_series(1, ?) g")
        .param(WALLETS)
        .update();
    db.jdbc().sql("ANALYZE accounts, wallets").update();
  }

  private record Scan(
      long readerMillis, long readerFound, long fullMillis, long fullFound, String plans) {}

  private static Scan measure(Callable<JdbcPagingItemReader<String>> readers, String condition)
      throws Exception {
    String fullScan =
        "SELECT w.account_id FROM wallets w WHERE " + condition + " ORDER BY w.account_id";
    readAll(readers.call());
    fullScan(fullScan);
    List<Long> reader = new ArrayList<>();
    List<Long> full = new ArrayList<>();
    long readerFound = 0;
    long fullFound = 0;
    for (int i = 0; i < RUNS; i++) {
      JdbcPagingItemReader<String> r = readers.call();
      long start = System.nanoTime();
      readerFound = readAll(r);
      reader.add((System.nanoTime() - start) / 1_000_000);
      start = System.nanoTime();
      fullFound = fullScan(fullScan);
      full.add((System.nanoTime() - start) / 1_000_000);
    }
    JdbcPagingItemReader<String> r = readers.call();
    String firstPage = sql(r, "firstPageSql");
    String nextPage = sql(r, "remainingPagesSql").replace("?", "'acct_0000000000500000'");
    String plans =
        "  -- reader, first page: "
            + firstPage
            + "\n"
            + explain(firstPage, false)
            + "  -- reader, a page mid-way: "
            + nextPage
            + "\n"
            + explain(nextPage, false)
            + "  -- full scan: "
            + fullScan
            + "\n"
            + explain(fullScan, true);
    return new Scan(median(reader), readerFound, median(full), fullFound, plans);
  }

  /** Pages through every candidate as the job's step does: open, read to the end, close. */
  private static long readAll(JdbcPagingItemReader<String> reader) throws Exception {
    reader.open(new ExecutionContext());
    long found = 0;
    while (reader.read() != null) {
      found++;
    }
    reader.close();
    return found;
  }

  private static long fullScan(String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      withoutIndexes(s);
      long found = 0;
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          found++;
        }
      }
      c.rollback();
      c.setAutoCommit(true);
      return found;
    }
  }

  private static void withoutIndexes(Statement s) throws Exception {
    s.execute("SET LOCAL enable_indexscan = off");
    s.execute("SET LOCAL enable_indexonlyscan = off");
    s.execute("SET LOCAL enable_bitmapscan = off");
  }

  private static String explain(String sql, boolean withoutIndexes) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      if (withoutIndexes) {
        withoutIndexes(s);
      }
      try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
        while (rs.next()) {
          plan.append("    ").append(rs.getString(1)).append('\n');
        }
      }
      c.rollback();
      c.setAutoCommit(true);
    }
    return plan.toString();
  }

  /**
   * The SQL a reader sends: Spring Batch builds it in afterPropertiesSet and does not expose it.
   */
  private static String sql(JdbcPagingItemReader<String> reader, String field) throws Exception {
    Field f = JdbcPagingItemReader.class.getDeclaredField(field);
    f.setAccessible(true);
    return (String) f.get(reader);
  }
}
