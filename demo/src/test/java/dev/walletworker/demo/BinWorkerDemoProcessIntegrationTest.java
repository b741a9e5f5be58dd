package dev.walletworker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/worker demo} as a newcomer runs it: a real process started through the launcher, which
 * runs the demo's jar ({@code target/wallet-worker-demo.jar}, packaged before this runs).
 */
class BinWorkerDemoProcessIntegrationTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path workDir;

  @Test
  void theDemoRunsTheWholeSystemAndReconciles() throws Exception {
    Run demo = worker("demo", "--accounts", "60", "--days", "6");

    assertThat(demo.code).as(demo.err).isZero();
    assertThat(demo.out)
        .contains(
            "wallet-worker demo: 60 accounts, 6 simulated days of usage",
            "auto top-ups charged",
            "usage posted (POST /v1/usage, priced)",
            "= the ledger",
            "usage rate while posting",
            "reconciled")
        .doesNotContain("NOT reconciled")
        .containsPattern("Billing pages +http://127\\.0\\.0\\.1:\\d+/billing\n")
        .containsPattern("/billing/sign-in/link\\?token=[A-Za-z0-9_-]{43}\n")
        .containsPattern("Ops console +http://127\\.0\\.0\\.1:\\d+/ops\n")
        .containsPattern("Sign in as demo-ops with password [A-Za-z0-9_-]{24} \\(shown once\\)\n");
    assertThat(workDir.resolve("var/demo/mail")).isDirectoryContaining("glob:**.eml");
    // And again: the demo starts from a fresh database each time.
    assertThat(worker("demo", "--accounts", "20", "--days", "2").code).isZero();
  }

  @Test
  void theDemoSharesTheWorkersCommandLine() throws Exception {
    Run help = worker("demo", "--help");
    assertThat(help.code).as(help.err).isZero();
    assertThat(help.out).contains("Usage: bin/worker demo", "--accounts", "--days", "--serve");

    Run bad = worker("demo", "--accounts", "0");
    assertThat(bad.code).isEqualTo(2);
    assertThat(bad.out).isEmpty();
    assertThat(bad.err)
        .isEqualTo("error: --accounts must be between 1 and 100000 (see bin/worker demo --help)\n");
    assertThat(workDir.resolve("var")).doesNotExist();
  }

  private Run worker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("bin/worker").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().remove("DATABASE_URL");
    builder.environment().put("EMBEDDED_DB_PORT", String.valueOf(freePort()));
    Path out = workDir.resolve("stdout.txt");
    Path err = workDir.resolve("stderr.txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/worker " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private record Run(int code, String out, String err) {}
}
