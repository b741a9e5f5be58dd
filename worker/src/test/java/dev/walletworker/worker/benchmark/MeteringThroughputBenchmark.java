package dev.walletworker.worker.benchmark;

import static dev.walletworker.worker.benchmark.BenchmarkReport.verdict;

import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.process.DaemonHandle;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark 9: the metering API's throughput. A real daemon ({@code bin/worker run}'s jar) serves
 * {@code POST /v1/usage} over 10,000 accounts; the load generator ({@link UsageLoadGenerator}) runs
 * in a process of its own, the same for every mode: batches of 1 event (32 connections), of 10 and
 * of 100, then batches of 10 with half of all events to one hot wallet, then batches of 1 at half
 * the maximum rate measured for them (for the latency target). The anchors, in the same run and on
 * the same server: {@code pgbench -N -M prepared} (one debit-sized transaction per commit) and a
 * script that updates 100 rows and inserts 100 rows per transaction (the server's batched write
 * rate); and, last, the ledger's own {@code debit_usage()} by pgbench (a debit-per-transaction
 * design writing this ledger's rows, as benchmark 5). Afterwards the ledger must hold at least the
 * events the generator saw posted (the last anchor adds its own).
 */
class MeteringThroughputBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int ACCOUNTS = 10_000;
  private static final int SECONDS = Integer.getInteger("benchmark.seconds", 15);
  private static final int PGBENCH_CLIENTS = 16;
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT events=(\\d+) seconds=([0-9.]+) events_per_s=([0-9.]+) p50_ms=([0-9.]+)"
              + " p99_ms=([0-9.]+) requests=(\\d+) refused=(\\d+) errors=(\\d+)");

  record Mode(String name, int batch, int connections, double hot, double rate) {}

  record Figure(
      Mode mode, long events, double perSecond, double p50, double p99, long errors, String cpu) {}

  @Test
  void eventsPerSecondAgainstPgbench() throws Exception {
    db.jdbc()
        .sql(
            "INSERT INTO accounts (id, email, created_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), 'owner' || g || '@example.com', now()"
                + " FROM generate_series(1, ?) g")
        .param(ACCOUNTS)
        .update();
    db.jdbc()
        .sql(
            "INSERT INTO wallets (account_id, balance, updated_at)"
                + " SELECT 'acct_' || lpad(g::text, 16, '0'), 100000000, now()"
                + " FROM generate_series(1, ?) g")
        .param(ACCOUNTS)
        .update();
    Clock clock = Clock.systemUTC();
    new ModelPrices(db.database(), clock)
        .set(
            "bench-chat",
            new BigDecimal("0.50"),
            new BigDecimal("1.50"),
            null,
            Instant.parse("2026-01-01T00:00:00Z"));
    String key = new ServiceKeys(db.database(), clock).create("benchmark").key();
    Path accounts = Files.createTempFile("accounts", ".txt");
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= ACCOUNTS; i++) {
      ids.add(String.format("acct_%016d", i));
    }
    Files.write(accounts, ids);
    String load = loadAverage();

    Pgbench pgbench = new Pgbench(db);
    pgbench.createAnchor();
    List<Figure> figures = new ArrayList<>();
    double anchor;
    double anchorSimple;
    double batchAnchor;
    double ledgerAnchor;
    try (DaemonHandle daemon =
        DaemonHandle.start(
            "metering-benchmark",
            db,
            Map.of(
                "SMTP_PORT",
                "1",
                "AUTO_TOPUP_CRON",
                "0 0 0 1 1 ? 2099",
                "LOW_BALANCE_ALERTS_CRON",
                "0 0 0 1 1 ? 2099"))) {
      String base = "http://127.0.0.1:" + daemon.apiPort();
      generate(daemon.pid(), base, key, accounts, new Mode("warm-up", 10, 16, 0, 0), 10);
      Mode batch1 = new Mode("batch 1, 32 connections", 1, 32, 0, 0);
      Mode batch10 = new Mode("batch 10, 16 connections", 10, 16, 0, 0);
      Mode batch100 = new Mode("batch 100, 8 connections", 100, 8, 0, 0);
      Mode hot = new Mode("batch 10, 16 connections, half to one wallet", 10, 16, 0.5, 0);
      anchor = pgbench.simpleUpdate("prepared", PGBENCH_CLIENTS, SECONDS);
      figures.add(generate(daemon.pid(), base, key, accounts, batch1, SECONDS));
      figures.add(generate(daemon.pid(), base, key, accounts, batch10, SECONDS));
      figures.add(generate(daemon.pid(), base, key, accounts, batch100, SECONDS));
      batchAnchor = pgbench.script("batch-100.pgbench", List.of(), true, PGBENCH_CLIENTS, SECONDS);
      figures.add(generate(daemon.pid(), base, key, accounts, hot, SECONDS));
      double half = figures.get(0).perSecond() / 2;
      figures.add(
          generate(
              daemon.pid(),
              base,
              key,
              accounts,
              new Mode("batch 1, 32 connections, at half its maximum rate", 1, 32, 0, half),
              SECONDS));
      anchorSimple = pgbench.simpleUpdate("simple", PGBENCH_CLIENTS, SECONDS);
      // A debit-per-transaction design with this ledger: benchmark 5's debit_usage() call (one
      // statement, one commit per debit) by pgbench, on the same wallets.
      ledgerAnchor =
          pgbench.script(
              "debit-usage.pgbench",
              List.of("wallets=" + ACCOUNTS),
              false,
              PGBENCH_CLIENTS,
              SECONDS);
    } finally {
      pgbench.dropAnchor();
      Files.delete(accounts);
    }

    // Every event the generator saw posted is one ledger row (warm-up included), and no other.
    long rows =
        db.jdbc()
            .sql("SELECT count(*) FROM wallet_transactions WHERE type = 'usage'")
            .query(Long.class)
            .single();
    long posted = figures.stream().mapToLong(Figure::events).sum();
    if (rows < posted) {
      throw new AssertionError(rows + " usage rows, but the generator saw " + posted + " posted");
    }

    Figure b1 = figures.get(0);
    Figure b10 = figures.get(1);
    Figure b100 = figures.get(2);
    Figure hot = figures.get(3);
    Figure paced = figures.get(4);
    StringBuilder report =
        new StringBuilder(
            String.format(
                "metering API: a real daemon, %,d accounts, the load generator in its own process"
                    + " (keep-alive HTTP/1.1), %d s per mode; load average before the run: %s%n",
                ACCOUNTS, SECONDS, load));
    for (Figure f : figures) {
      report.append(
          String.format(
              "  %-52s %,8.0f events/s  p50 %6.1f ms  p99 %6.1f ms  (%d errors)%n      %s%n",
              f.mode().name(), f.perSecond(), f.p50(), f.p99(), f.errors(), f.cpu()));
    }
    report.append(
        String.format(
            "  anchor: pgbench -N -M prepared -c %d -j 2:          %,8.0f TPS%n"
                + "  anchor: pgbench -N (simple protocol):               %,8.0f TPS%n"
                + "  anchor: 100 updates + 100 inserts per transaction:  %,8.0f TPS = %,.0f rows"
                + " updated/s%n"
                + "  batch 100 / pgbench -N -M prepared: %.2f (target >= 3: %s)%n"
                + "  batch 1 / pgbench -N -M prepared:   %.2f (target >= 1: %s)%n"
                + "  hot wallet / uniform (batch 10):    %.2f (target >= 0.5: %s)%n"
                + "  batch 1 p99 at half its maximum rate (%,.0f events/s offered, %,.0f done):"
                + " %.1f ms (target < 25 ms: %s)%n"
                + "  batch 100 / the batched write anchor (rows/s): %.2f%n"
                + "  anchor: this ledger's debit_usage() by pgbench (-M prepared, a commit per"
                + " debit): %,8.0f TPS%n"
                + "  batch 1 / it: %.2f; batch 100 / it: %.2f%n",
            PGBENCH_CLIENTS,
            anchor,
            anchorSimple,
            batchAnchor,
            batchAnchor * 100,
            b100.perSecond() / anchor,
            verdict(b100.perSecond() >= 3 * anchor),
            b1.perSecond() / anchor,
            verdict(b1.perSecond() >= anchor),
            hot.perSecond() / b10.perSecond(),
            verdict(hot.perSecond() >= 0.5 * b10.perSecond()),
            paced.mode().rate(),
            paced.perSecond(),
            paced.p99(),
            verdict(paced.p99() < 25),
            b100.perSecond() / (batchAnchor * 100),
            ledgerAnchor,
            b1.perSecond() / ledgerAnchor,
            b100.perSecond() / ledgerAnchor));
    BenchmarkReport.publish("metering-throughput", report.toString());
  }

  /** Runs the load generator in its own JVM for {@code seconds}; returns what it measured. */
  private static Figure generate(
      long daemon, String base, String key, Path accounts, Mode mode, int seconds)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                UsageLoadGenerator.class.getName(),
                "base=" + base,
                "key=" + key,
                "accounts=" + accounts,
                "batch=" + mode.batch(),
                "connections=" + mode.connections(),
                "seconds=" + seconds,
                "warmup=2",
                "hot=" + mode.hot(),
                "rate=" + mode.rate(),
                "run=" + mode.name().replaceAll("[^a-z0-9]", "") + System.nanoTime()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Who used the cores while the generator measured (it measures from 2 s after its start).
    CompletableFuture<String> cpu =
        CompletableFuture.supplyAsync(
            () -> {
              sleepMillis(3_000);
              CpuShares.Reading from = CpuShares.read(daemon, process.pid());
              sleepMillis(seconds * 1_000L - 1_000);
              return CpuShares.between(from, CpuShares.read(daemon, process.pid()));
            });
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(seconds + 120L, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("load generator failed:\n" + out);
    }
    Matcher m = RESULT.matcher(out);
    if (!m.find()) {
      throw new AssertionError("no RESULT line from the load generator:\n" + out);
    }
    if (Long.parseLong(m.group(7)) > 0) {
      throw new AssertionError(mode + ": events refused:\n" + out);
    }
    return new Figure(
        mode,
        Long.parseLong(m.group(1)),
        Double.parseDouble(m.group(3)),
        Double.parseDouble(m.group(4)),
        Double.parseDouble(m.group(5)),
        Long.parseLong(m.group(8)),
        cpu.get());
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
