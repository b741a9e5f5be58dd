package dev.walletworker.worker.benchmark;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.process.DaemonHandle;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark 7: block overshoot. Debits arrive continuously (every 5 ms per account, 8 accounts at a
 * time) against accounts with a $1.00 monthly limit and action=block; a real daemon, woken by the
 * crossing, blocks them. Measured per account: the time from the commit of the crossing debit to
 * the block ({@code blocked_since}), and the usage accepted past the limit.
 */
class BlockOvershootBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int ACCOUNTS = 400;
  private static final BigDecimal DEBIT = new BigDecimal("0.10");

  @Test
  void overshoot() throws Exception {
    for (int i = 0; i < ACCOUNTS; i++) {
      String id = String.format("acct_%016d", i);
      db.jdbc()
          .sql("INSERT INTO accounts (id, email, created_at) VALUES (?, ?, now())")
          .params(id, id + "@example.com")
          .update();
      db.jdbc()
          .sql(
              "INSERT INTO wallets (account_id, balance, spending_limit_enabled, spending_limit_monthly, updated_at)"
                  + " VALUES (?, 1000, true, 1, now())")
          .param(id)
          .update();
    }
    Ledger ledger = new Ledger(db.database(), Clock.systemUTC());
    try (DaemonHandle daemon =
        DaemonHandle.start(
            "overshoot", db, Map.of("BUDGET_ENFORCEMENT_CRON", "0 0 0 1 1 ? 2099"))) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<long[]>> results = new ArrayList<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        String id = String.format("acct_%016d", i);
        results.add(pool.submit(() -> debitUntilBlocked(ledger, id)));
      }
      List<Long> millis = new ArrayList<>();
      List<Long> extraDebits = new ArrayList<>();
      for (Future<long[]> result : results) {
        long[] r = result.get();
        millis.add(r[0]);
        extraDebits.add(r[1]);
      }
      pool.shutdown();
      Collections.sort(millis);
      Collections.sort(extraDebits);
      String report =
          String.format(
              "block overshoot over %d crossings (debits every 5 ms per account, 8 accounts at a time):%n"
                  + "  time crossing debit -> blocked: p50 %d ms, p99 %d ms, max %d ms%n"
                  + "  usage accepted past the limit:  p50 %s, p99 %s (debits of %s)%n",
              ACCOUNTS,
              percentile(millis, 50),
              percentile(millis, 99),
              millis.get(millis.size() - 1),
              DEBIT.multiply(BigDecimal.valueOf(percentile(extraDebits, 50))),
              DEBIT.multiply(BigDecimal.valueOf(percentile(extraDebits, 99))),
              DEBIT);
      System.out.print(report);
      Path out = Path.of("target/benchmarks/block-overshoot.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
    }
  }

  /**
   * Returns {milliseconds from the crossing commit to the block, debits accepted after the
   * crossing}.
   */
  private static long[] debitUntilBlocked(Ledger ledger, String account)
      throws InterruptedException {
    BigDecimal spend = BigDecimal.ZERO;
    Instant crossing = null;
    long extra = 0;
    while (true) {
      try {
        ledger.debitUsage(account, DEBIT, null, null);
      } catch (WalletException e) {
        if (e.type() != ErrorType.ACCOUNT_BLOCKED) {
          throw e;
        }
        Instant blocked =
            db.jdbc()
                .sql("SELECT blocked_since FROM accounts WHERE id = ?")
                .param(account)
                .query(java.sql.Timestamp.class)
                .single()
                .toInstant();
        return new long[] {Duration.between(crossing, blocked).toMillis(), extra};
      }
      spend = spend.add(DEBIT);
      if (crossing != null) {
        extra++;
      } else if (spend.compareTo(BigDecimal.ONE) >= 0) {
        crossing = Instant.now();
      }
      Thread.sleep(5);
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
