package dev.walletworker.worker.benchmark;

import dev.walletworker.ledger.Ledger;
import dev.walletworker.stripe.emulator.Charge;
import dev.walletworker.stripe.emulator.ReceivedRequest;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.Reconciliation;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.process.DaemonHandle;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Benchmark 2: reaction latency. Wallets with auto top-up on (threshold $5, balance $10, a card
 * that succeeds) are debited $6 through the production {@link Ledger#debitUsage}, each crossing
 * below its threshold once. Measured per crossing: from the commit of the debit (when {@code
 * debitUsage} returned) to the moment the Stripe emulator received the PaymentIntent request
 * carrying that account's {@code metadata[account_id]}.
 *
 * <p>A real daemon with the auto-topup cron pushed to 2099, so only the database's NOTIFY drives
 * it: {@value #WARM_UP} crossings to warm it up (not measured), a steady stream of {@value #STEADY}
 * crossings at {@value #PER_SECOND} a second, then a burst of {@value #BURST} at once. The anchor
 * is measured in the same run: a daemon that only polls (the wake-up listener off, auto-topup cron
 * every 60 s, our own safety net and kinder than the peers' "every few minutes") reacting to
 * {@value #ANCHOR} crossings spread over one poll interval. Every charge the emulator made is
 * reconciled against the ledger's top-up credits at the end.
 */
class ReactionLatencyBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int WARM_UP = 100;
  private static final int STEADY = 1_000;
  private static final int PER_SECOND = 10;
  private static final int BURST = 200;
  private static final int ANCHOR = 300;
  private static final Duration ANCHOR_POLL = Duration.ofSeconds(60);
  private static final Duration TARGET_P99 = Duration.ofSeconds(1);
  private static final BigDecimal CROSSING_DEBIT = new BigDecimal("6.00");
  private static final String NEVER = "0 0 0 1 1 ? 2099";

  private final Ledger ledger = new Ledger(db.database(), Clock.systemUTC());
  private int accounts;

  @Test
  void reactionLatency() throws Exception {
    try (StripeEmulator stripe = StripeEmulator.start(0)) {
      List<String> warmUp = wallets(stripe, WARM_UP);
      double loadBefore = loadAverage();
      List<String> steady = wallets(stripe, STEADY);
      List<String> burst = wallets(stripe, BURST);
      List<String> anchor = wallets(stripe, ANCHOR);

      Map<String, Instant> steadyCommits;
      Map<String, Instant> burstCommits;
      try (DaemonHandle daemon =
          DaemonHandle.start("reaction", db, env(stripe, Map.of("AUTO_TOPUP_CRON", NEVER)))) {
        // A daemon runs for weeks: its first seconds (class loading, JIT) are not its latency.
        crossAtSteadyRate(warmUp, PER_SECOND);
        awaitSucceeded(WARM_UP, Duration.ofSeconds(60), daemon);
        steadyCommits = crossAtSteadyRate(steady, PER_SECOND);
        awaitSucceeded(WARM_UP + STEADY, Duration.ofSeconds(60), daemon);
        burstCommits = crossAtOnce(burst, 8);
        awaitSucceeded(WARM_UP + STEADY + BURST, Duration.ofSeconds(60), daemon);
      }

      Map<String, Instant> anchorCommits;
      try (DaemonHandle poller =
          DaemonHandle.start(
              "reaction-anchor",
              db,
              env(stripe, Map.of("AUTO_TOPUP_CRON", "0 * * * * ?", "WAKEUP_ENABLED", "false")))) {
        anchorCommits =
            crossAtSteadyRate(anchor, (int) (ANCHOR / ANCHOR_POLL.toSeconds())); // one interval
        awaitSucceeded(WARM_UP + STEADY + BURST + ANCHOR, ANCHOR_POLL.plusSeconds(60), poller);
      }

      Map<String, Instant> received = firstChargeRequests(stripe.requests());
      List<Long> steadyMs = latencies(steadyCommits, received);
      List<Long> burstMs = latencies(burstCommits, received);
      List<Long> anchorMs = latencies(anchorCommits, received);
      String reconciled = reconcile(stripe, WARM_UP + STEADY + BURST + ANCHOR);

      long p99 = percentile(steadyMs, 99);
      String report =
          String.format(
              "reaction latency: usage debit commit -> PaymentIntent request received by Stripe (emulator)%n"
                  + "  one daemon woken by the database's NOTIFY (auto-topup cron off); %d wallets, cards succeed%n"
                  + "  steady, %d crossings at %d/s:  p50 %d ms, p99 %d ms, max %d ms%n"
                  + "  burst, %d crossings at once:    p50 %d ms, p99 %d ms, max %d ms%n"
                  + "  anchor, a poll every %d s (wake-ups off), %d crossings over one interval:"
                  + " p50 %.1f s, p99 %.1f s, max %.1f s%n"
                  + "  ratio to the anchor: p99 %.4f (%d ms / %.1f s), p50 %.4f%n"
                  + "  target p99 < %d ms: %s%n"
                  + "  %s%n"
                  + "  machine: %d cores, load average (1 min) %.1f before, %.1f after%n",
              WARM_UP + STEADY + BURST + ANCHOR,
              STEADY,
              PER_SECOND,
              percentile(steadyMs, 50),
              p99,
              max(steadyMs),
              BURST,
              percentile(burstMs, 50),
              percentile(burstMs, 99),
              max(burstMs),
              ANCHOR_POLL.toSeconds(),
              ANCHOR,
              percentile(anchorMs, 50) / 1000.0,
              percentile(anchorMs, 99) / 1000.0,
              max(anchorMs) / 1000.0,
              (double) p99 / percentile(anchorMs, 99),
              p99,
              percentile(anchorMs, 99) / 1000.0,
              (double) percentile(steadyMs, 50) / percentile(anchorMs, 50),
              TARGET_P99.toMillis(),
              p99 < TARGET_P99.toMillis() ? "met" : "MISSED",
              reconciled,
              Runtime.getRuntime().availableProcessors(),
              loadBefore,
              loadAverage());
      System.out.print(report);
      Path out = Path.of("target/benchmarks/reaction-latency.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
    }
  }

  /** One crossing every 1/{@code perSecond} s, on schedule; returns each debit's commit time. */
  private Map<String, Instant> crossAtSteadyRate(List<String> wallets, int perSecond)
      throws InterruptedException {
    Map<String, Instant> commits = new HashMap<>();
    long start = System.nanoTime();
    long interval = Duration.ofSeconds(1).toNanos() / perSecond;
    for (int i = 0; i < wallets.size(); i++) {
      long wait = start + i * interval - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      commits.put(wallets.get(i), cross(wallets.get(i)));
    }
    return commits;
  }

  /** Every wallet crosses as fast as {@code threads} debiting threads can go. */
  private Map<String, Instant> crossAtOnce(List<String> wallets, int threads) throws Exception {
    Map<String, Instant> commits = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (String wallet : wallets) {
        work.add(pool.submit(() -> commits.put(wallet, cross(wallet))));
      }
      for (Future<?> future : work) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    return commits;
  }

  /** Debits the wallet below its threshold; returns the moment the debit had committed. */
  private Instant cross(String account) {
    ledger.debitUsage(account, CROSSING_DEBIT, "benchmark usage", "cross-" + account);
    return Instant.now();
  }

  /** The first PaymentIntent-create request the emulator received for each account. */
  private static Map<String, Instant> firstChargeRequests(List<ReceivedRequest> requests) {
    Map<String, Instant> first = new HashMap<>();
    for (ReceivedRequest request : requests) {
      String account = request.metadata().get("account_id");
      if (request.method().equals("POST")
          && request.path().equals("/v1/payment_intents")
          && account != null) {
        first.putIfAbsent(account, request.receivedAt());
      }
    }
    return first;
  }

  private static List<Long> latencies(Map<String, Instant> commits, Map<String, Instant> received) {
    List<Long> millis = new ArrayList<>();
    commits.forEach(
        (account, committed) -> {
          Instant request = received.get(account);
          if (request == null) {
            throw new AssertionError("no PaymentIntent request for " + account);
          }
          millis.add(Duration.between(committed, request).toMillis());
        });
    Collections.sort(millis);
    return millis;
  }

  /** Every emulator charge credited exactly once: Σ charges = Σ top-up credits, one per account. */
  private String reconcile(StripeEmulator stripe, int expected) {
    List<Charge> charges = stripe.charges();
    long accountsCharged =
        charges.stream().map(c -> c.metadata().get("account_id")).distinct().count();
    if (charges.size() != expected || accountsCharged != expected) {
      throw new AssertionError(
          String.format(
              "%d charges for %d accounts, expected one for each of %d",
              charges.size(), accountsCharged, expected));
    }
    return Reconciliation.reconciled(stripe, db.jdbc()) + ", one per account";
  }

  private void awaitSucceeded(int count, Duration timeout, DaemonHandle daemon)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (succeeded() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            succeeded()
                + " of "
                + count
                + " top-ups succeeded after "
                + timeout
                + ":\n"
                + daemon.log());
      }
      Thread.sleep(200);
    }
  }

  private long succeeded() {
    return db.jdbc()
        .sql("SELECT count(*) FROM topup_attempts WHERE status = 'succeeded'")
        .query(Long.class)
        .single();
  }

  /** {@code count} wallets at $10 with auto top-up of $25 below $5 and a card that succeeds. */
  private List<String> wallets(StripeEmulator stripe, int count) {
    List<String> ids = new ArrayList<>();
    List<Object[]> accountRows = new ArrayList<>();
    List<Object[]> walletRows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = String.format("acct_%016d", ++accounts);
      ids.add(id);
      accountRows.add(new Object[] {id, id + "@example.com"});
      walletRows.add(new Object[] {id, stripe.createCustomer(id + "@example.com")});
    }
    JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
    jdbc.batchUpdate(
        "INSERT INTO accounts (id, email, created_at) VALUES (?, ?, now())", accountRows);
    jdbc.batchUpdate(
        "INSERT INTO wallets (account_id, balance, auto_topup_enabled, auto_topup_threshold,"
            + " auto_topup_amount, stripe_customer_id, stripe_payment_method_id, updated_at)"
            + " VALUES (?, 10, true, 5, 25, ?, 'pm_card_visa', now())",
        walletRows);
    return ids;
  }

  /** Other work on the machine shows in the tail: say how busy it was. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static Map<String, String> env(StripeEmulator stripe, Map<String, String> extra)
      throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    env.put("STRIPE_API_KEY", "sk_test_benchmark");
    env.put("STRIPE_API_BASE", stripe.apiBase());
    try (ServerSocket nobody = new ServerSocket(0)) {
      // Receipts go nowhere: no SMTP server listens there.
      env.put("SMTP_PORT", Integer.toString(nobody.getLocalPort()));
    }
    return env;
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static long max(List<Long> sorted) {
    return sorted.get(sorted.size() - 1);
  }
}
