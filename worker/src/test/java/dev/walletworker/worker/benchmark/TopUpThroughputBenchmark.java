package dev.walletworker.worker.benchmark;

import dev.walletworker.stripe.emulator.ReceivedRequest;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.Reconciliation;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.process.DaemonHandle;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Benchmark 3: auto top-up throughput against Stripe's rate limit. The emulator answers every API
 * request after {@code LATENCY} and refuses more than {@value #LIMIT} a second with 429 (Stripe's
 * live-mode limit). One real daemon first charges {@value #WARM_UP} wallets to warm up; then
 * {@value #ACCOUNTS} wallets fall below their threshold in one statement. Measured over those:
 * charges per second (from the times the emulator received the requests that charged), in the
 * steady state (the middle 80% of charges) and from the first charge to the last, as a ratio to the
 * limit; the 429s the emulator sent; how many attempts ended failed (none may: a 429 is asked again
 * with the same idempotency key, never recorded as a failure); and the busiest the daemon's
 * connection pool got. The charges are reconciled against the ledger's top-up credits.
 */
class TopUpThroughputBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int WARM_UP = 300;
  private static final int ACCOUNTS = 3_000;

  /** Ids are numbered: the warm-up's wallets are those up to this one. */
  private static final String LAST_WARM_UP = String.format("acct_%016d", WARM_UP);

  private static final int LIMIT = 100;
  private static final Duration LATENCY = Duration.ofMillis(300);
  private static final double TARGET_RATIO = 0.9;

  /** The daemon's settings under test; everything else is the shipped default. */
  private static final Map<String, String> SETTINGS =
      Map.of("STRIPE_MAX_REQUESTS_PER_SECOND", "95", "AUTO_TOPUP_CONCURRENCY", "48");

  @Test
  void throughput() throws Exception {
    try (StripeEmulator stripe = StripeEmulator.start(0)) {
      stripe.faults().latency(LATENCY).rateLimit(LIMIT);
      wallets(stripe);
      double loadBefore = loadAverage();
      Instant crossed;
      PoolSampler pool;
      try (DaemonHandle daemon = DaemonHandle.start("throughput", db, env(stripe))) {
        pool = new PoolSampler(daemon);
        // A daemon runs for weeks: its first seconds (class loading, JIT) are not its throughput.
        db.jdbc()
            .sql("UPDATE wallets SET balance = 1 WHERE account_id <= ?")
            .param(LAST_WARM_UP)
            .update();
        awaitCharged(WARM_UP, Duration.ofMinutes(1), daemon);
        // Every wallet crosses in one transaction: one wake-up, one run claims them all.
        db.jdbc()
            .sql("UPDATE wallets SET balance = 1 WHERE account_id > ?")
            .param(LAST_WARM_UP)
            .update();
        crossed = Instant.now();
        pool.start();
        try {
          awaitCharged(WARM_UP + ACCOUNTS, Duration.ofMinutes(4), daemon);
        } finally {
          pool.stop();
        }
      }

      List<Instant> charged = chargingRequests(stripe);
      int n = charged.size();
      double whole = rate(charged, 0, n - 1);
      // Steady state: the middle 80%, without the daemon's first seconds and the last stragglers.
      double steady = rate(charged, n / 10, n - 1 - n / 10);
      long failed = count("SELECT count(*) FROM topup_attempts WHERE status = 'failed'");
      long askedAgain = count("SELECT count(*) FROM topup_attempts WHERE requests > 1");
      String report =
          String.format(
              "auto top-up throughput: %d wallets below threshold at once, one daemon (%s)%n"
                  + "  Stripe (emulator): %d ms per request, at most %d requests/s (429 above)%n"
                  + "  charges/s, steady state (middle 80%% of charges): %.1f%n"
                  + "  charges/s, first charge -> last: %.1f (%d charges in %.1f s)%n"
                  + "  ratio to the limit: steady %.3f, whole run %.3f (target >= %.1f: %s)%n"
                  + "  crossing -> first charge request: %.1f s; -> last: %.1f s%n"
                  + "  API requests %d, 429s sent %d, attempts asked again %d, attempts failed %d%n"
                  + "  database pool (DATABASE_POOL_SIZE %s): most active %s, most waiting %s%n"
                  + "  %s%n"
                  + "  machine: %d cores, load average (1 min) %.1f before, %.1f after%n",
              ACCOUNTS,
              SETTINGS.entrySet().stream()
                  .sorted(Map.Entry.comparingByKey())
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(" ")),
              LATENCY.toMillis(),
              LIMIT,
              steady,
              whole,
              n,
              Duration.between(charged.get(0), charged.get(n - 1)).toMillis() / 1000.0,
              steady / LIMIT,
              whole / LIMIT,
              TARGET_RATIO,
              steady / LIMIT >= TARGET_RATIO ? "met" : "MISSED",
              Duration.between(crossed, charged.get(0)).toMillis() / 1000.0,
              Duration.between(crossed, charged.get(n - 1)).toMillis() / 1000.0,
              stripe.apiRequests(),
              stripe.rateLimitedRequests(),
              askedAgain,
              failed,
              pool.max("hikaricp_connections_max"),
              pool.max("hikaricp_connections_active"),
              pool.max("hikaricp_connections_pending"),
              Reconciliation.reconciled(stripe, db.jdbc()),
              Runtime.getRuntime().availableProcessors(),
              loadBefore,
              loadAverage());
      System.out.print(report);
      Path out = Path.of("target/benchmarks/topup-throughput.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
      if (failed > 0) {
        throw new AssertionError(failed + " attempts failed; a 429 must never fail an attempt");
      }
    }
  }

  /** Charges a second between the {@code from}-th and the {@code to}-th charge. */
  private static double rate(List<Instant> charged, int from, int to) {
    return (to - from) / (Duration.between(charged.get(from), charged.get(to)).toNanos() / 1e9);
  }

  /**
   * The daemon's connection pool, read from its metrics every 200 ms: a charge must not hold a
   * connection while it waits for Stripe, so the pool should never be what charges wait for.
   */
  private static final class PoolSampler {
    private final DaemonHandle daemon;
    private final Map<String, Double> max = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private final Thread thread;

    PoolSampler(DaemonHandle daemon) {
      this.daemon = daemon;
      this.thread = new Thread(this::sample, "pool-sampler");
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    /** The largest value seen, or "n/a" when the daemon does not export it. */
    String max(String metric) {
      Double value = max.get(metric);
      return value == null ? "n/a" : Long.toString(Math.round(value));
    }

    private void sample() {
      while (running) {
        try {
          for (String line : daemon.metrics().split("\n")) {
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (line.startsWith("hikaricp_connections") && brace > 0 && space > brace) {
              max.merge(
                  line.substring(0, brace),
                  Double.parseDouble(line.substring(space + 1)),
                  Math::max);
            }
          }
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          // A sample missed: the next one counts.
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * When each charge's request reached Stripe, in order: the last PaymentIntent-create request of
   * each charged attempt (any earlier one with its key was refused with 429).
   */
  private static List<Instant> chargingRequests(StripeEmulator stripe) {
    Set<String> charged =
        stripe.charges().stream()
            .filter(c -> c.metadata().get("account_id").compareTo(LAST_WARM_UP) > 0)
            .map(c -> c.metadata().get("attempt_id"))
            .collect(Collectors.toSet());
    Map<String, Instant> lastRequest = new HashMap<>();
    for (ReceivedRequest request : stripe.requests()) {
      String attempt = request.metadata().get("attempt_id");
      if (request.method().equals("POST")
          && request.path().equals("/v1/payment_intents")
          && charged.contains(attempt)) {
        lastRequest.put(attempt, request.receivedAt());
      }
    }
    return lastRequest.values().stream().sorted().toList();
  }

  private void awaitCharged(int attempts, Duration timeout, DaemonHandle daemon)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String settled = "SELECT count(*) FROM topup_attempts WHERE status IN ('succeeded', 'failed')";
    while (count(settled) < attempts) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            count(settled)
                + " of "
                + attempts
                + " attempts settled after "
                + timeout
                + ":\n"
                + daemon.log());
      }
      Thread.sleep(250);
    }
  }

  private static long count(String sql) {
    return db.jdbc().sql(sql).query(Long.class).single();
  }

  /** Wallets at $10 with auto top-up of $25 below $5 and a card that succeeds. */
  private static void wallets(StripeEmulator stripe) {
    List<Object[]> accounts = new ArrayList<>();
    List<Object[]> wallets = new ArrayList<>();
    for (int i = 1; i <= WARM_UP + ACCOUNTS; i++) {
      String id = String.format("acct_%016d", i);
      accounts.add(new Object[] {id, id + "@example.com"});
      wallets.add(new Object[] {id, stripe.createCustomer(id + "@example.com")});
    }
    JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
    jdbc.batchUpdate("INSERT INTO accounts (id, email, created_at) VALUES (?, ?, now())", accounts);
    jdbc.batchUpdate(
        "INSERT INTO wallets (account_id, balance, auto_topup_enabled, auto_topup_threshold,"
            + " auto_topup_amount, stripe_customer_id, stripe_payment_method_id, updated_at)"
            + " VALUES (?, 10, true, 5, 25, ?, 'pm_card_visa', now())",
        wallets);
  }

  /** Other work on the machine shows in the tail: say how busy it was. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static Map<String, String> env(StripeEmulator stripe) throws Exception {
    Map<String, String> env = new HashMap<>(SETTINGS);
    env.put("STRIPE_API_KEY", "sk_test_benchmark");
    env.put("STRIPE_API_BASE", stripe.apiBase());
    try (ServerSocket nobody = new ServerSocket(0)) {
      // Receipts go nowhere: no SMTP server listens there.
      env.put("SMTP_PORT", Integer.toString(nobody.getLocalPort()));
    }
    return env;
  }
}
