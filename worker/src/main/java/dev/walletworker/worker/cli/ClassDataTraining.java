package dev.walletworker.worker.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training run of {@code bin/worker}'s class-data archive (AppCDS): the JVM that runs this with
 * {@code -XX:ArchiveClassesAtExit} writes every class it loaded, already parsed and verified, to a
 * file that later CLI commands map instead of reading their classes from the jars again.
 *
 * <p>It runs the usual CLI commands, in this one process, against a throwaway embedded PostgreSQL
 * in {@code args[0]} (deleted afterwards), so that the archive holds what real commands load —
 * reads, writes, errors, the job commands — and touches no database of the operator's.
 */
public final class ClassDataTraining {

  private static final Pattern ACCOUNT = Pattern.compile("\"id\" : \"(acct_[a-z0-9]+)\"");

  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    Path dir = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(dir);
    Map<String, String> database =
        Map.of(
            "wallet.database.url", "",
            "wallet.database.embedded.data-dir", dir.resolve("pg").toString(),
            "wallet.database.embedded.port", Integer.toString(freePort()));
    // One command keeps the server up (it started it); the others join it, as ops' commands join
    // a running daemon's.
    CliContext owner = new CliEnvironment(System.out, System.err, database).context();
    try (owner) {
      owner.database();
      String account =
          run(database, "accounts", "create", "--email", "training@example.com", "--json");
      Matcher id = ACCOUNT.matcher(account);
      if (!id.find()) {
        throw new IllegalStateException("training: no account created: " + account);
      }
      String acct = id.group(1);
      for (List<String> command :
          List.of(
              List.of("--help"),
              List.of("accounts", "show", "--help"),
              List.of("migrate"),
              List.of("accounts", "show", acct),
              List.of("accounts", "show", acct, "--json"),
              List.of("accounts", "set", acct, "--alert", "on", "--alert-threshold", "5"),
              List.of("wallet", "credit", acct, "--amount", "50", "--type", "topup"),
              List.of("wallet", "usage", acct, "--amount", "0.0004", "--json"),
              List.of("wallet", "usage", acct, "--amount", "0.0004"),
              List.of("wallet", "transactions", acct, "--json"),
              List.of("wallet", "usage", acct, "--amount", "-1", "--json"),
              List.of("accounts", "show", "acct_doesnotexist00"),
              List.of("jobs", "list"),
              List.of("jobs", "list", "--json"),
              List.of("jobs", "history", "auto-topup"),
              List.of("topups", "list", "--json"),
              List.of("mail", "list"),
              List.of("mail", "preview", "all", "--out", dir.resolve("mail").toString()),
              List.of("jobs", "pause", "mail-dispatch"),
              List.of("jobs", "resume", "mail-dispatch"))) {
        run(database, command.toArray(String[]::new));
      }
    }
    delete(dir);
  }

  /** Runs one command line in this JVM; returns its stdout. */
  private static String run(Map<String, String> database, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkerCommand.execute(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(OutputStream.nullOutputStream()),
        database);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void delete(Path dir) throws IOException {
    List<Path> all;
    try (var walk = Files.walk(dir)) {
      all = new ArrayList<>(walk.toList());
    }
    all.sort((a, b) -> b.getNameCount() - a.getNameCount());
    for (Path path : all) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
