package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.db.WorkerDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a CLI command starts, seen from outside: every class the packaged worker's JVM loads for the
 * command ({@code -Xlog:class+load}). Reading an account, listing the jobs and debiting usage need
 * the settings, the database and the domain, and nothing else: not a Spring application context,
 * not Quartz's scheduler, not Spring Batch, not the web server, and not Flyway while the schema is
 * current. That is most of what made every command take seconds.
 */
class CliStartupProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  /** Classes, or packages (ending in a dot), of the parts a read does not need. */
  private static final List<String> NOT_NEEDED =
      List.of(
          // The bean factory of every Spring application context.
          "org.springframework.beans.factory.support.DefaultListableBeanFactory",
          "org.springframework.boot.SpringApplicationRunListeners",
          "org.quartz.core.QuartzScheduler",
          "org.quartz.impl.jdbcjobstore.",
          "org.springframework.batch.",
          "org.apache.catalina.",
          "org.flywaydb.");

  @TempDir Path dir;
  private String account;

  @BeforeEach
  void givenAnAccountWithCredit() {
    Clock clock = Clock.systemUTC();
    account =
        new Accounts(db.database(), clock).create("ops@example.com", null, null).account().id();
    new Ledger(db.database(), clock)
        .credit(account, new BigDecimal("100"), TransactionType.REFUND, null, null);
  }

  @Test
  void readsAndUsageStartOnlyTheSettingsTheDatabaseAndTheDomain() throws Exception {
    for (List<String> command :
        List.of(
            List.of("accounts", "show", account, "--json"),
            List.of("jobs", "list", "--json"),
            List.of("wallet", "usage", account, "--amount", "0.0004", "--json"))) {
      List<String> loaded = classesLoadedBy(command);

      assertThat(loaded)
          .as("classes loaded by %s", command)
          .contains(WorkerDatabase.class.getName());
      assertThat(loaded)
          .as("classes loaded by %s", command)
          .noneMatch(c -> NOT_NEEDED.stream().anyMatch(part -> matches(c, part)));
    }
  }

  @Test
  void theProbeSeesTheSchedulerWhereACommandNeedsIt() throws Exception {
    List<String> loaded = classesLoadedBy(List.of("jobs", "pause", "mail-dispatch"));

    assertThat(loaded)
        .contains(
            "org.quartz.core.QuartzScheduler",
            "org.springframework.beans.factory.support.DefaultListableBeanFactory")
        .anyMatch(c -> c.startsWith("org.springframework.batch."));
  }

  private static boolean matches(String loadedClass, String part) {
    return part.endsWith(".") ? loadedClass.startsWith(part) : loadedClass.equals(part);
  }

  /** Runs the packaged worker with {@code args}; it must succeed. Returns the classes it loaded. */
  private List<String> classesLoadedBy(List<String> args) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "classes", ".log");
    Path out = dir.resolve("out.txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                "-Xlog:class+load=info:file=" + log + ":none",
                "-jar",
                DaemonProcess.JAR.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("DATABASE_URL", db.jdbcUrl());
    builder.environment().put("DATABASE_USERNAME", db.username());
    builder.environment().put("DATABASE_PASSWORD", db.password());
    builder.redirectErrorStream(true).redirectOutput(out.toFile());
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(args + " did not finish");
    }
    assertThat(process.exitValue())
        .as("%s: %s", args, Files.readString(out, StandardCharsets.UTF_8))
        .isZero();
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .map(line -> line.split(" ", 2)[0])
        .toList();
  }
}
