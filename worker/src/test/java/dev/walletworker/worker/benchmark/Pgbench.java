package dev.walletworker.worker.benchmark;

import dev.walletworker.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * pgbench against the test database's server, as the test database's user: the anchors of the
 * throughput benchmarks (5 and 9), measured on the same server as the figure they anchor.
 */
final class Pgbench {

  /** The anchors' own database (scale 10: 1,000,000 pgbench accounts). */
  static final String ANCHOR_DB = "pgbench_anchor";

  private final TestDatabase db;
  private final String executable;
  private final List<String> connection;
  private final String database;

  Pgbench(TestDatabase db) throws IOException {
    this.db = db;
    this.executable = executable();
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

  /** Creates the anchors' database, initialised by {@code pgbench -i -s 10}. */
  void createAnchor() throws Exception {
    admin("DROP DATABASE IF EXISTS " + ANCHOR_DB + " WITH (FORCE)");
    admin("CREATE DATABASE " + ANCHOR_DB);
    run(List.of(executable, "-i", "-s", "10", "-q"), ANCHOR_DB);
  }

  void dropAnchor() throws SQLException {
    admin("DROP DATABASE IF EXISTS " + ANCHOR_DB + " WITH (FORCE)");
  }

  /**
   * The built-in simple-update script ({@code -N}: one account update, one history insert per
   * transaction) in the anchors' database; returns its TPS.
   */
  double simpleUpdate(String protocol, int clients, int seconds) throws Exception {
    return tps(
        run(
            List.of(
                executable,
                "-N",
                "-M",
                protocol,
                "-c",
                Integer.toString(clients),
                "-j",
                "2",
                "-T",
                Integer.toString(seconds)),
            ANCHOR_DB));
  }

  /**
   * A script from the test resources ({@code /benchmarks/NAME}), with {@code -M prepared}, in the
   * anchors' database ({@code anchor}) or the test database; returns its TPS.
   */
  double script(String resource, List<String> defines, boolean anchor, int clients, int seconds)
      throws Exception {
    Path script = Files.createTempFile("benchmark", ".pgbench");
    try (InputStream in = Pgbench.class.getResourceAsStream("/benchmarks/" + resource)) {
      Files.write(script, in.readAllBytes());
    }
    try {
      List<String> arguments = new ArrayList<>(List.of(executable, "-n", "-M", "prepared"));
      for (String define : defines) {
        arguments.addAll(List.of("-D", define));
      }
      arguments.addAll(
          List.of(
              "-f",
              script.toString(),
              "-c",
              Integer.toString(clients),
              "-j",
              "2",
              "-T",
              Integer.toString(seconds)));
      return tps(run(arguments, anchor ? ANCHOR_DB : database));
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

  private void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** pgbench on PATH or in a PostgreSQL installation's bin directory. */
  private static String executable() throws IOException {
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
