package dev.walletworker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.BinWorker;
import dev.walletworker.testing.BinWorker.Run;
import dev.walletworker.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
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

    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out())
        .contains(
            "wallet-worker demo: 60 accounts, 6 simulated days of usage",
            "auto top-ups charged",
            "usage posted (POST /v1/usage + captures)",
            "= the ledger",
            "holds (a quarter of the calls hold first)",
            "0 holding first (captures)",
            "spend past a blocking limit",
            "usage rate while posting",
            "reconciled")
        .doesNotContain("NOT reconciled")
        .containsPattern("Billing pages +http://127\\.0\\.0\\.1:\\d+/billing\n")
        .containsPattern("/billing/sign-in/link\\?token=[A-Za-z0-9_-]{43}\n")
        .containsPattern("Ops console +http://127\\.0\\.0\\.1:\\d+/ops\n")
        .containsPattern("Sign in as demo-ops with password [A-Za-z0-9_-]{24} \\(shown once\\)\n");
    assertThat(workDir.resolve("var/demo/mail")).isDirectoryContaining("glob:**.eml");
    // And again: the demo starts from a fresh database each time.
    assertThat(worker("demo", "--accounts", "20", "--days", "2").code()).isZero();
  }

  @Test
  void theDemoSharesTheWorkersCommandLine() throws Exception {
    Run help = worker("demo", "--help");
    assertThat(help.code()).as(help.err()).isZero();
    assertThat(help.out()).contains("Usage: bin/worker demo", "--accounts", "--days", "--serve");

    Run bad = worker("demo", "--accounts", "0");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.err())
        .isEqualTo("error: --accounts must be between 1 and 100000 (see bin/worker demo --help)\n");
    assertThat(workDir.resolve("var")).doesNotExist();
  }

  private Run worker(String... args) throws IOException, InterruptedException {
    return BinWorker.run(ROOT, workDir, FreePorts.next(), Map.of(), args);
  }
}
