package dev.walletworker.worker.process;

import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.BinWorker;
import dev.walletworker.testing.BinWorker.Run;
import dev.walletworker.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a newcomer uses it: real {@code bin/worker} processes, no database configured, so
 * each one starts (or joins) the embedded PostgreSQL under {@code ./var} of its working directory,
 * and the data outlives the process.
 */
class BinWorkerProcessIntegrationTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path workDir;

  @Test
  void cliOnTheEmbeddedDatabaseKeepsItsDataAcrossProcesses() throws Exception {
    String port = String.valueOf(FreePorts.next());

    Run created = worker(port, "accounts", "create", "--email", "first@example.com", "--json");
    assertThat(created.code()).as(created.err()).isZero();
    String id = created.out().replaceAll("(?s).*\"id\" : \"(acct_[a-z0-9]+)\".*", "$1");
    assertThat(id).matches("acct_[a-z0-9]{16}");
    assertThat(workDir.resolve("var/pg/PG_VERSION")).exists();

    Run credited = worker(port, "wallet", "credit", id, "--amount", "50", "--type", "topup");
    assertThat(credited.code()).as(credited.err()).isZero();
    assertThat(credited.out()).contains("bonus 2.50", "balance 52.50");

    Run shown = worker(port, "accounts", "show", id, "--json");
    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(shown.out()).contains("\"balance\" : 52.50");
  }

  @Test
  void badUsageIsOneLineOnStderrAndExitTwo() throws Exception {
    Run run = worker(String.valueOf(FreePorts.next()), "wallet", "usage");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip()).startsWith("error: Missing required").doesNotContain("\n");
    // Refused before any database was started.
    assertThat(workDir.resolve("var")).doesNotExist();
  }

  @Test
  void badConfigurationIsOneLineOnStderrAndExitOne() throws Exception {
    Path config = workDir.resolve("operator.yml");
    Files.writeString(config, "wallet:\n  topup:\n    concurrency: 0\n");

    Run run =
        worker(
            String.valueOf(FreePorts.next()),
            Map.of("SPRING_CONFIG_ADDITIONAL_LOCATION", config.toString()),
            "jobs",
            "list");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "error: AUTO_TOPUP_CONCURRENCY (wallet.topup.concurrency) must be at least 1, was 0\n");
  }

  @Test
  void aMissingOrForeignClassDataArchiveOnlyCostsSpeed() throws Exception {
    // A copy of the launcher and the jar: its archive can be broken without touching the real one.
    Path root = workDir.resolve("copy");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("worker/target"));
    Files.copy(ROOT.resolve("bin/worker"), root.resolve("bin/worker"), COPY_ATTRIBUTES);
    Path jar = root.resolve("worker/target/wallet-worker.jar");
    Files.copy(ROOT.resolve("worker/target/wallet-worker.jar"), jar, COPY_ATTRIBUTES);
    String port = String.valueOf(FreePorts.next());

    // An archive that could not be made: the jar runs as it is.
    Files.createFile(root.resolve("worker/target/cli.failed"));
    Run plain =
        worker(root, port, Map.of(), "accounts", "create", "--email", "a@example.com", "--json");
    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(plain.out()).startsWith("{").contains("\"id\" : \"acct_");
    assertThat(root.resolve("worker/target/cli")).doesNotExist();

    // An archive the JVM refuses (another JVM's, a damaged file): not a word about it on stdout.
    Path cli = root.resolve("worker/target/cli");
    Process extract =
        new ProcessBuilder(
                "java",
                "-Djarmode=tools",
                "-jar",
                jar.toString(),
                "extract",
                "--destination",
                cli.toString())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("extract.txt").toFile())
            .start();
    assertThat(extract.waitFor(120, TimeUnit.SECONDS)).isTrue();
    Files.writeString(cli.resolve("classes.jsa"), "not an archive");
    Files.writeString(cli.resolve("jvm-flags"), "\n");
    Process java = new ProcessBuilder("bash", "-c", "readlink -f \"$(command -v java)\"").start();
    Files.writeString(
        cli.resolve("java"), new String(java.getInputStream().readAllBytes()).strip() + "\n");
    Run foreign = worker(root, port, Map.of(), "jobs", "list", "--json");
    assertThat(foreign.code()).as(foreign.err()).isZero();
    assertThat(foreign.out()).startsWith("{").contains("\"jobs\" : [");
    assertThat(foreign.err()).isEmpty();
  }

  private Run worker(String port, String... args) throws IOException, InterruptedException {
    return worker(port, Map.of(), args);
  }

  private Run worker(String port, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return worker(ROOT, port, env, args);
  }

  private Run worker(Path root, String port, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return BinWorker.run(root, workDir, Integer.parseInt(port), env, args);
  }
}
