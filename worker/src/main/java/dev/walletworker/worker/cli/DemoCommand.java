package dev.walletworker.worker.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole system with no configuration and print a summary.",
      "It starts an embedded PostgreSQL (fresh, under var/demo/pg), an SMTP server that captures"
          + " mail (var/demo/mail/*.eml), the Stripe emulator and the real daemon, then drives"
          + " about 1,000 accounts through a simulated month of usage.",
      "At the end it prints the billing pages' address and a sign-in link of one demo account;"
          + " with --serve it keeps them running until Ctrl-C."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--accounts",
      defaultValue = "1000",
      description = "How many accounts to create (default 1000).")
  int accounts;

  @Option(
      names = "--days",
      defaultValue = "30",
      description = "How many days of usage to simulate (default 30).")
  int days;

  @Option(
      names = "--serve",
      description =
          "Keep the daemon, its billing pages, the SMTP server and the emulator running after the"
              + " summary, until Ctrl-C.")
  boolean serve;

  @Spec CommandSpec spec;

  private final CliEnvironment env;

  DemoCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    if (accounts < 1 || accounts > 100_000) {
      throw new ParameterException(spec.commandLine(), "--accounts must be between 1 and 100000");
    }
    if (days < 1 || days > 365) {
      throw new ParameterException(spec.commandLine(), "--days must be between 1 and 365");
    }
    DemoRunner demo =
        DemoRunner.installed()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the demo is not part of the production jar: run it with bin/worker demo"
                            + " (it builds and runs demo/target/wallet-worker-demo.jar)"));
    return demo.run(accounts, days, serve, env.out, env.err);
  }
}
