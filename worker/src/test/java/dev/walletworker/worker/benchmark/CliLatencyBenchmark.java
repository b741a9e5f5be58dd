package dev.walletworker.worker.benchmark;

import static dev.walletworker.worker.benchmark.BenchmarkReport.median;
import static dev.walletworker.worker.benchmark.BenchmarkReport.verdict;

import dev.walletworker.account.Accounts;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.testing.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark 8: how long an ops command takes, as a script calling {@code bin/worker} sees it — a
 * new process each time, from start to exit — against {@code psql -c 'select 1'} on the same
 * database, the cost of any command-line client that connects and asks one thing. Median of 5 for
 * {@code accounts show}, {@code jobs list} and {@code wallet usage}, and {@code --help}; the
 * commands alternate with the anchor in rounds, so that the load of a shared machine falls on all
 * alike. The first call (which may build the jar and prepare the class-data archive) is not timed.
 *
 * <p>{@code -Dbenchmark.cli.root=DIR} measures the {@code bin/worker} of another checkout (the
 * "before" figures in BENCHMARKS.md are of the code before this work, measured this way).
 */
class CliLatencyBenchmark {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int RUNS = 5;
  private static final long TARGET_MS = 1_000;
  private static final Path ROOT =
      Path.of(System.getProperty("benchmark.cli.root", "..")).toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void commandLatency() throws Exception {
    Clock clock = Clock.systemUTC();
    String account =
        new Accounts(db.database(), clock).create("ops@example.com", null, null).account().id();
    new Ledger(db.database(), clock)
        .credit(account, new BigDecimal("1000"), TransactionType.REFUND, null, null);

    Map<String, List<String>> commands = new LinkedHashMap<>();
    commands.put("psql -c 'select 1' (anchor)", psql());
    commands.put("accounts show", worker("accounts", "show", account));
    commands.put("jobs list", worker("jobs", "list"));
    commands.put("wallet usage", worker("wallet", "usage", account, "--amount", "0.0004"));
    commands.put("--help", worker("--help"));

    String loadBefore = loadAverage();
    long prepare = time(worker("accounts", "show", account));
    Map<String, List<Long>> times = new LinkedHashMap<>();
    commands.keySet().forEach(name -> times.put(name, new ArrayList<>()));
    for (int round = 0; round < RUNS; round++) {
      for (Map.Entry<String, List<String>> command : commands.entrySet()) {
        times.get(command.getKey()).add(time(command.getValue()));
      }
    }
    String loadAfter = loadAverage();

    long anchor = median(times.get("psql -c 'select 1' (anchor)"));
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            "CLI latency: %s/bin/worker, a new process per call, median of %d%n", ROOT, RUNS));
    report.append(
        String.format(
            "  first call, not timed (may build the jar and prepare the archive): %d ms%n",
            prepare));
    report.append(
        String.format("  %-30s %8s %8s  %s%n", "command", "median", "÷ anchor", "runs (ms)"));
    for (Map.Entry<String, List<Long>> entry : times.entrySet()) {
      long median = median(entry.getValue());
      boolean isAnchor = entry.getKey().endsWith("(anchor)");
      report.append(
          String.format(
              "  %-30s %6d ms %8.1f  %s%s%n",
              entry.getKey(),
              median,
              median / (double) anchor,
              entry.getValue(),
              isAnchor || entry.getKey().equals("--help")
                  ? ""
                  : "  target < " + TARGET_MS + " ms: " + verdict(median < TARGET_MS)));
    }
    report.append(
        String.format("  load average before / after: %s / %s (2 cores)%n", loadBefore, loadAfter));
    BenchmarkReport.publish("cli-latency", report.toString());
  }

  private List<String> worker(String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/worker").toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static List<String> psql() {
    URI url = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    String database = url.getPath().substring(1);
    return List.of(
        "psql",
        "-h",
        url.getHost(),
        "-p",
        Integer.toString(url.getPort() < 0 ? 5432 : url.getPort()),
        "-U",
        db.username(),
        "-d",
        database,
        "-c",
        "select 1");
  }

  /** Milliseconds from starting the process to its exit; it must succeed. */
  private long time(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("DATABASE_URL", db.jdbcUrl());
    builder.environment().put("DATABASE_USERNAME", db.username());
    builder.environment().put("DATABASE_PASSWORD", db.password());
    builder.environment().put("PGPASSWORD", db.password());
    Path out = dir.resolve("out.txt");
    builder.redirectErrorStream(true).redirectOutput(out.toFile());
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(600, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish");
    }
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (process.exitValue() != 0) {
      throw new AssertionError(
          command
              + " exited "
              + process.exitValue()
              + ": "
              + Files.readString(out, StandardCharsets.UTF_8));
    }
    return took;
  }

  private static String loadAverage() throws IOException {
    Path load = Path.of("/proc/loadavg");
    return Files.exists(load) ? Files.readString(load).split(" ")[0] : "?";
  }
}
