package dev.walletworker.worker.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMetering;
import dev.walletworker.worker.process.DaemonHandle;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Benchmark 10: holds. In one run against a real daemon: (a) hold + capture pairs per second
 * against {@code POST /v1/usage} events per second, one served call per request each way (target:
 * pairs ≥ 0.5 × events), with the p99 of each call; (b) benchmark 7's overshoot with traffic that
 * holds first: accounts with a $1.00 blocking limit hold $0.10 and capture up to it (and, in a
 * second pass, up to 110% of it) until a hold is refused with {@code spending_limit}; the spend
 * past the limit beyond what the captures exceeded their holds by (target: 0).
 */
class HoldsBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int SECONDS = Integer.getInteger("benchmark.seconds", 15);
  private static final int CONNECTIONS = 16;
  private static final int ACCOUNTS = 200;
  private static final int LIMITED = 200;
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  @Test
  void holdsAgainstUsageAndOvershoot() throws Exception {
    Clock clock = Clock.systemUTC();
    Accounts accounts = new Accounts(db.database(), clock);
    Ledger ledger = new Ledger(db.database(), clock);
    List<String> ids =
        TestMetering.fundedAccounts(db.database(), clock, ACCOUNTS, "b", new BigDecimal("100000"));
    String key = new ServiceKeys(db.database(), clock).create("holds-benchmark").key();
    StringBuilder report = new StringBuilder();
    try (DaemonHandle daemon =
        DaemonHandle.start(
            "holds-benchmark",
            db,
            Map.of(
                "SMTP_PORT", "1",
                "AUTO_TOPUP_CRON", "0 0 0 1 1 ? 2099",
                "LOW_BALANCE_ALERTS_CRON", "0 0 0 1 1 ? 2099",
                "BUDGET_ENFORCEMENT_CRON", "0 0 0 1 1 ? 2099"))) {
      String base = "http://127.0.0.1:" + daemon.apiPort();
      long pid = daemon.pid();
      // Warm-up of both paths, so that neither is measured while the JIT still compiles it.
      run(base, key, ids, false, 5, pid);
      run(base, key, ids, true, 5, pid);
      Figure usage = run(base, key, ids, false, SECONDS, pid);
      Figure holds = run(base, key, ids, true, SECONDS, pid);
      double ratio = holds.perSecond() / usage.perSecond();
      report.append(
          String.format(
              "holds vs usage over %d s each, %d connections, %d wallets (one served call per"
                  + " request each way):%n"
                  + "  POST /v1/usage (1 event):   %,8.0f events/s   p99 %d ms%n"
                  + "    %s%n"
                  + "  hold + capture:             %,8.0f pairs/s    p99 hold %d ms, capture %d ms%n"
                  + "    %s%n"
                  + "  pairs / events: %.2f (target >= 0.5: %s)%n",
              SECONDS,
              CONNECTIONS,
              ACCOUNTS,
              usage.perSecond(),
              usage.p99First(),
              usage.cores(),
              holds.perSecond(),
              holds.p99First(),
              holds.p99Second(),
              holds.cores(),
              ratio,
              BenchmarkReport.verdict(ratio >= 0.5)));

      for (int overCapture : new int[] {100, 110}) {
        List<String> limited = new ArrayList<>();
        for (int i = 0; i < LIMITED; i++) {
          String id = accounts.create("l" + i + "@example.com", null, null).account().id();
          ledger.credit(id, new BigDecimal("1000"), TransactionType.REFUND, "opening", null);
          accounts.updateSettings(
              id, new SettingsChange().limitEnabled(true).monthlyLimit(BigDecimal.ONE));
          limited.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<BigDecimal[]>> results = new ArrayList<>();
        for (String id : limited) {
          results.add(pool.submit(() -> holdUntilRefused(base, key, id, overCapture)));
        }
        BigDecimal overshoot = BigDecimal.ZERO;
        BigDecimal excess = BigDecimal.ZERO;
        BigDecimal beyond = BigDecimal.ZERO;
        for (Future<BigDecimal[]> result : results) {
          BigDecimal[] r = result.get();
          BigDecimal over = r[0].subtract(BigDecimal.ONE).max(BigDecimal.ZERO);
          overshoot = overshoot.add(over);
          excess = excess.add(r[1]);
          beyond = beyond.add(over.subtract(r[1]).max(BigDecimal.ZERO));
        }
        pool.shutdown();
        report.append(
            String.format(
                "overshoot, %d accounts with a $1.00 blocking limit holding $0.10 first, captures"
                    + " up to %d%% of the hold:%n"
                    + "  spend past the limit: %s in all; captures above their holds: %s; beyond"
                    + " that: %s (target 0: %s)%n",
                LIMITED,
                overCapture,
                overshoot.toPlainString(),
                excess.toPlainString(),
                beyond.toPlainString(),
                BenchmarkReport.verdict(beyond.signum() == 0)));
        assertThat(beyond).isEqualByComparingTo("0");
      }
    }
    BenchmarkReport.publish("holds", report.toString());
  }

  /**
   * Requests (or pairs) per second, the p99 of their first and second call, and the cores the
   * daemon, PostgreSQL and the client (this process) used meanwhile.
   */
  record Figure(double perSecond, long p99First, long p99Second, String cores) {}

  private static Figure run(
      String base, String key, List<String> ids, boolean holds, int seconds, long daemon)
      throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong count = new AtomicLong();
    List<Long> first = Collections.synchronizedList(new ArrayList<>());
    List<Long> second = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    List<Future<?>> work = new ArrayList<>();
    long started = System.nanoTime();
    CpuShares.Reading from = CpuShares.read(daemon, ProcessHandle.current().pid());
    for (int c = 0; c < CONNECTIONS; c++) {
      int connection = c;
      work.add(
          pool.submit(
              () -> {
                // One keep-alive connection per thread, read and written directly (as benchmark
                // 9's generator does), so the client's CPU stays small beside the daemon's.
                HttpConnection http = new HttpConnection(URI.create(base), key);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n = 0; System.nanoTime() < end; n++) {
                  String account = ids.get(random.nextInt(ids.size()));
                  String id =
                      (holds ? "h-" : "u-") + connection + "-" + n + "-" + System.nanoTime();
                  String amount = "0." + String.format("%04d", 1 + random.nextInt(9_999));
                  if (holds) {
                    long t0 = System.nanoTime();
                    JsonNode hold =
                        post(
                            http,
                            "/v1/holds",
                            "{\"id\":\""
                                + id
                                + "\",\"account_id\":\""
                                + account
                                + "\",\"amount\":1.00}");
                    long t1 = System.nanoTime();
                    post(
                        http,
                        "/v1/holds/" + hold.get("hold_id").asString() + "/capture",
                        "{\"amount\":" + amount + "}");
                    long t2 = System.nanoTime();
                    first.add((t1 - t0) / 1_000_000);
                    second.add((t2 - t1) / 1_000_000);
                  } else {
                    long t0 = System.nanoTime();
                    post(
                        http,
                        "/v1/usage",
                        "{\"events\":[{\"id\":\""
                            + id
                            + "\",\"account_id\":\""
                            + account
                            + "\",\"amount\":"
                            + amount
                            + "}]}");
                    first.add((System.nanoTime() - t0) / 1_000_000);
                  }
                  count.incrementAndGet();
                }
                http.close();
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    String cores = CpuShares.between(from, CpuShares.read(daemon, ProcessHandle.current().pid()));
    pool.shutdown();
    double elapsed = (System.nanoTime() - started) / 1e9;
    return new Figure(
        count.get() / elapsed,
        BenchmarkReport.percentile(first, 99),
        second.isEmpty() ? 0 : BenchmarkReport.percentile(second, 99),
        cores);
  }

  /**
   * Holds $0.10 and captures up to {@code percent}% of it until a hold is refused; returns {the
   * account's spend, what its captures exceeded their holds by}.
   */
  private static BigDecimal[] holdUntilRefused(String base, String key, String account, int percent)
      throws Exception {
    try (HttpConnection http = new HttpConnection(URI.create(base), key)) {
      BigDecimal hold = new BigDecimal("0.10");
      BigDecimal spend = BigDecimal.ZERO;
      BigDecimal excess = BigDecimal.ZERO;
      for (int n = 0; ; n++) {
        HttpConnection.Response held =
            http.post(
                "/v1/holds",
                "{\"id\":\"o-" + n + "\",\"account_id\":\"" + account + "\",\"amount\":0.10}");
        if (held.status() == 422) {
          String type = JSON.readTree(held.body()).get("error").get("type").asString();
          assertThat(type).isIn("spending_limit", "account_blocked");
          return new BigDecimal[] {spend, excess};
        }
        assertThat(held.status()).as(held.body()).isEqualTo(201);
        BigDecimal actual =
            hold.multiply(BigDecimal.valueOf(ThreadLocalRandom.current().nextInt(50, percent + 1)))
                .movePointLeft(2);
        post(
            http,
            "/v1/holds/" + JSON.readTree(held.body()).get("hold_id").asString() + "/capture",
            "{\"amount\":" + actual.toPlainString() + "}");
        spend = spend.add(actual);
        excess = excess.add(actual.subtract(hold).max(BigDecimal.ZERO));
      }
    }
  }

  private static JsonNode post(HttpConnection http, String path, String body) throws Exception {
    HttpConnection.Response response = http.post(path, body);
    if (response.status() != 200 && response.status() != 201) {
      throw new AssertionError(path + " answered " + response.status() + " " + response.body());
    }
    if (http.closed()) {
      throw new AssertionError("the daemon closed a keep-alive connection");
    }
    return JSON.readTree(response.body());
  }
}
