package dev.walletworker.worker.benchmark;

import static dev.walletworker.worker.benchmark.BenchmarkReport.verdict;

import dev.walletworker.ledger.Ledger;
import dev.walletworker.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark 5: usage debits per second. 16 threads call {@link Ledger#debitUsage} on random wallets
 * among 1,000; the anchor is pgbench's built-in simple-update script ({@code -N}) with 16 clients
 * on the same PostgreSQL server, in a database of its own. Both sides talk to the server over TCP.
 * The two alternate in rounds, so that the load of a shared machine falls on both alike.
 *
 * <p>For the reason behind the ratio, two more figures: the ledger's own statement (its {@code
 * debit_usage} call) run by pgbench (the server's side of a debit, no JVM), and the anchor with
 * prepared statements, as JDBC uses.
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
  private static final String ANCHOR_DB = "pgbench_anchor";
  private static final double TARGET = 0.8;

  @Test
  void debitsPerSecond() throws Exception {
    Pgbench pgbench = new Pgbench(pgbenchExecutable());
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
      pgbench.simpleUpdate("simple", WARM_UP_SECONDS);
      List<Double> debits = new ArrayList<>();
      List<Double> anchor = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        debits.add(debit(ledger, ROUND_SECONDS, true));
        anchor.add(pgbench.simpleUpdate("simple", ROUND_SECONDS));
      }
      double withoutRequestId = debit(ledger, SECONDS, false);
      checkTheLedgerAddsUp();
      double ledgerSql = pgbench.ledgerScript(SECONDS);
      double anchorPrepared = pgbench.simpleUpdate("prepared", SECONDS);

      double withRequestId = mean(debits);
      double tps = mean(anchor);
      double ratio = withRequestId / tps;
      String report =
          String.format(
              "usage debits: %d clients, %,d wallets, same PostgreSQL server, TCP both sides;"
                  + " %d alternating rounds of %d s after a %d s warm-up%n"
                  + "  Ledger.debitUsage with a request id:   %,6.0f debits/s (rounds %s)%n"
                  + "  anchor: pgbench -N -c %d -j 2 (simple update): %,6.0f TPS (rounds %s)%n"
                  + "  ratio debits / pgbench: %.2f (target >= %.1f: %s)%n"
                  + "  then %d s each:%n"
                  + "    Ledger.debitUsage without a request id:          %,6.0f debits/s"
                  + " (ratio %.2f)%n"
                  + "    the ledger's debit_usage call by pgbench (-M prepared, no JVM): %,6.0f TPS%n"
                  + "    pgbench -N -M prepared:                          %,6.0f TPS"
                  + " (ledger call / it: %.2f)%n",
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
              anchorPrepared,
              ledgerSql / anchorPrepared);
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

  /** pgbench against the test database's server, as the test database's user. */
  private static final class Pgbench {
    private final String executable;
    private final List<String> connection;
    private final String database;

    Pgbench(String executable) {
      this.executable = executable;
      URI uri = URI.create(db.jdbcUrl().substring("jdbc:".length()));
      this.connection =
          List.of(
              "-h",
              uri.getHost(),
              "-p",
              Integer.toString(uri.getPort() < 0 ? 5432 : uri.getPort()),
              "-U",
              db.username());
      this.database = uri.getPath().substring(1);
    }

    /** The anchor's own database (scale 10: 1,000,000 pgbench accounts) on the same server. */
    void createAnchor() throws Exception {
      admin("DROP DATABASE IF EXISTS " + ANCHOR_DB + " WITH (FORCE)");
      admin("CREATE DATABASE " + ANCHOR_DB);
      run(List.of(executable, "-i", "-s", "10", "-q"), ANCHOR_DB);
    }

    void dropAnchor() throws SQLException {
      admin("DROP DATABASE IF EXISTS " + ANCHOR_DB + " WITH (FORCE)");
    }

    /** The built-in simple-update script with {@value CLIENTS} clients; returns its TPS. */
    double simpleUpdate(String protocol, int seconds) throws Exception {
      return tps(
          run(
              List.of(
                  executable,
                  "-N",
                  "-M",
                  protocol,
                  "-c",
                  Integer.toString(CLIENTS),
                  "-j",
                  "2",
                  "-T",
                  Integer.toString(seconds)),
              ANCHOR_DB));
    }

    /** Ledger.debitUsage's statement as a script, on this benchmark's wallets; returns TPS. */
    double ledgerScript(int seconds) throws Exception {
      Path script = Files.createTempFile("debit-usage", ".pgbench");
      try (InputStream in =
          DebitThroughputBenchmark.class.getResourceAsStream("/benchmarks/debit-usage.pgbench")) {
        Files.write(script, in.readAllBytes());
      }
      try {
        return tps(
            run(
                List.of(
                    executable,
                    "-n",
                    "-M",
                    "prepared",
                    "-D",
                    "wallets=" + WALLETS,
                    "-f",
                    script.toString(),
                    "-c",
                    Integer.toString(CLIENTS),
                    "-j",
                    "2",
                    "-T",
                    Integer.toString(seconds)),
                database));
      } finally {
        Files.delete(script);
      }
    }

    private String run(List<String> arguments, String databaseName)
        throws IOException, InterruptedException {
      List<String> command =
          Stream.of(arguments, connection, List.of(databaseName)).flatMap(List::stream).toList();
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("PGPASSWORD", db.password());
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
      }
      return out;
    }

    private static double tps(String out) {
      Matcher tps = Pattern.compile("(?m)^tps = ([0-9.]+)").matcher(out);
      if (!tps.find()) {
        throw new AssertionError("no 'tps =' line in pgbench's output:\n" + out);
      }
      if (!out.contains("number of failed transactions: 0 ")) {
        throw new AssertionError("pgbench had failed transactions:\n" + out);
      }
      return Double.parseDouble(tps.group(1));
    }

    private static void admin(String sql) throws SQLException {
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
          Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }
  }

  /** pgbench on PATH or in a PostgreSQL installation's bin directory. */
  private static String pgbenchExecutable() throws IOException {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "pgbench"));
      }
    }
    Path installs = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(installs)) {
      try (Stream<Path> versions = Files.list(installs)) {
        versions
            .sorted(java.util.Comparator.reverseOrder())
            .forEach(v -> candidates.add(v.resolve("bin/pgbench")));
      }
    }
    return candidates.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(
            () ->
                new AssertionError(
                    "pgbench not found on PATH nor in /usr/lib/postgresql/*/bin: it is the anchor"
                        + " of this benchmark. Install it with `apt-get install"
                        + " postgresql-client` (Debian/Ubuntu) and run again."));
  }
}
