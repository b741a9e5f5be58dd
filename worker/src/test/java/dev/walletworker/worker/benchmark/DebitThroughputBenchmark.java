package dev.walletworker.worker.benchmark;

import static dev.walletworker.worker.benchmark.BenchmarkReport.verdict;

import dev.walletworker.ledger.Ledger;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark 5: usage debits per second. 16 threads call {@link Ledger#debitUsage} on random wallets
 * among 1,000; the anchor is pgbench's built-in simple-update script ({@code -N}) with prepared
 * statements ({@code -M prepared}, as JDBC uses them; since issue 14) and 16 clients on the same
 * PostgreSQL server, in a database of its own. Both sides talk to the server over TCP. The two
 * alternate in rounds, so that the load of a shared machine falls on both alike.
 *
 * <p>For the reason behind the ratio, two more figures: the ledger's own statement (its {@code
 * debit_usage} call) run by pgbench (the server's side of a debit, no JVM), and the anchor with the
 * simple protocol, the anchor of earlier runs.
 */
class DebitThroughputBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int WALLETS = 1_000;
  private static final int CLIENTS = 16;
  private static final int WARM_UP_SECONDS = 5;
  private static final int ROUNDS = 2;
  private static final int ROUND_SECONDS = 10;
  private static final int SECONDS = 10;
  private static final BigDecimal DEBIT = new BigDecimal("0.0004");
  private static final BigDecimal START_BALANCE = new BigDecimal("1000000");
  private static final double TARGET = 0.8;

  @Test
  void debitsPerSecond() throws Exception {
    Pgbench pgbench = new Pgbench(db);
    db.jdbc()
        .sql(
            "INSERT INTO accounts (id, email, created_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), 'owner' || g || '@example.com', now()"
                + " FROM generate_series(1, ?) g")
        .param(WALLETS)
        .update();
    db.jdbc()
        .sql(
            "INSERT INTO wallets (account_id, balance, updated_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), ?, now() FROM generate_series(1, ?) g")
        .params(START_BALANCE, WALLETS)
        .update();
    // The shared test pool holds 40 connections: every client has one.
    Ledger ledger = new Ledger(db.database(), Clock.systemUTC());
    pgbench.createAnchor();
    try {
      debit(ledger, WARM_UP_SECONDS, true);
      pgbench.simpleUpdate("prepared", CLIENTS, WARM_UP_SECONDS);
      List<Double> debits = new ArrayList<>();
      List<Double> anchor = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        debits.add(debit(ledger, ROUND_SECONDS, true));
        anchor.add(pgbench.simpleUpdate("prepared", CLIENTS, ROUND_SECONDS));
      }
      double withoutRequestId = debit(ledger, SECONDS, false);
      checkTheLedgerAddsUp();
      double ledgerSql =
          pgbench.script(
              "debit-usage.pgbench", List.of("wallets=" + WALLETS), false, CLIENTS, SECONDS);
      double anchorSimple = pgbench.simpleUpdate("simple", CLIENTS, SECONDS);

      double withRequestId = mean(debits);
      double tps = mean(anchor);
      double ratio = withRequestId / tps;
      String report =
          String.format(
              "usage debits: %d clients, %,d wallets, same PostgreSQL server, TCP both sides;"
                  + " %d alternating rounds of %d s after a %d s warm-up%n"
                  + "  Ledger.debitUsage with a request id:   %,6.0f debits/s (rounds %s)%n"
                  + "  anchor: pgbench -N -M prepared -c %d -j 2: %,6.0f TPS (rounds %s)%n"
                  + "  ratio debits / pgbench: %.2f (target >= %.1f: %s)%n"
                  + "  then %d s each:%n"
                  + "    Ledger.debitUsage without a request id:          %,6.0f debits/s"
                  + " (ratio %.2f)%n"
                  + "    the ledger's debit_usage call by pgbench (-M prepared, no JVM): %,6.0f TPS"
                  + " (ledger call / anchor: %.2f)%n"
                  + "    pgbench -N, simple protocol (the anchor until issue 14): %,6.0f TPS"
                  + " (ratio debits / it: %.2f)%n",
              CLIENTS,
              WALLETS,
              ROUNDS,
              ROUND_SECONDS,
              WARM_UP_SECONDS,
              withRequestId,
              rounded(debits),
              CLIENTS,
              tps,
              rounded(anchor),
              ratio,
              TARGET,
              verdict(ratio >= TARGET),
              SECONDS,
              withoutRequestId,
              withoutRequestId / tps,
              ledgerSql,
              ledgerSql / tps,
              anchorSimple,
              withRequestId / anchorSimple);
      BenchmarkReport.publish("debit-throughput", report);
    } finally {
      pgbench.dropAnchor();
    }
  }

  /** Debits from {@value CLIENTS} threads for {@code seconds}; returns debits per second. */
  private static double debit(Ledger ledger, int seconds, boolean requestIds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder debits = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    String run = Long.toString(System.nanoTime(), 36);
    List<Future<?>> clients = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < CLIENTS; c++) {
      String client = run + "_" + c;
      clients.add(
          pool.submit(
              () -> {
                long n = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                  String wallet = String.format("acct_%016d", 1 + random.nextInt(WALLETS));
                  ledger.debitUsage(
                      wallet, DEBIT, null, requestIds ? "req_" + client + "_" + n++ : null);
                  debits.increment();
                }
                return null;
              }));
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Future<?> client : clients) {
      client.get();
    }
    long nanos = System.nanoTime() - start;
    pool.shutdown();
    return debits.sum() * 1e9 / nanos;
  }

  /** Every debit is one ledger row, and the balances moved by exactly the rows' amounts. */
  private static void checkTheLedgerAddsUp() {
    long rows =
        db.jdbc().sql("SELECT count(*) FROM wallet_transactions").query(Long.class).single();
    BigDecimal total =
        db.jdbc().sql("SELECT sum(balance) FROM wallets").query(BigDecimal.class).single();
    BigDecimal expected =
        START_BALANCE
            .multiply(BigDecimal.valueOf(WALLETS))
            .subtract(DEBIT.multiply(BigDecimal.valueOf(rows)));
    if (total.compareTo(expected) != 0) {
      throw new AssertionError("balances sum to " + total + ", expected " + expected);
    }
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static List<Long> rounded(List<Double> values) {
    return values.stream().map(Math::round).toList();
  }
}
