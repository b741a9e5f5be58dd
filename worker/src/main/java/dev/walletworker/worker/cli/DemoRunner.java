package dev.walletworker.worker.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What {@code bin/worker demo} runs. The demo (with the Stripe emulator and an SMTP server) lives
 * in the {@code demo/} module, which provides this through {@link ServiceLoader}: the production
 * jar carries the command's name and options but none of the demo's code, so on its own it finds no
 * runner.
 */
public interface DemoRunner {

  /**
   * Runs the demo; returns the process exit code.
   *
   * @param serve keep the daemon and its billing pages running until Ctrl-C
   * @param out the summary
   * @param err progress
   */
  int run(int accounts, int days, boolean serve, PrintStream out, PrintStream err) throws Exception;

  /** The demo, when this process was started from the demo's jar. */
  static Optional<DemoRunner> installed() {
    return ServiceLoader.load(DemoRunner.class).findFirst();
  }
}
