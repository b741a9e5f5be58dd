package dev.walletworker.demo;

import dev.walletworker.worker.cli.DemoRunner;
import java.io.PrintStream;

/**
 * Puts the demo behind {@code bin/worker demo}: found by the worker's CLI through {@link
 * java.util.ServiceLoader} (see {@code META-INF/services}) when it runs from the demo's jar.
 */
public final class RunDemo implements DemoRunner {

  @Override
  public int run(int accounts, int days, boolean serve, PrintStream out, PrintStream err)
      throws Exception {
    return new Demo(accounts, days, serve, out, err).run();
  }
}
