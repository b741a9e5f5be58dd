package dev.walletworker.worker.cli;

import dev.walletworker.worker.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole system with no configuration and print a summary.",
      "It starts an embedded PostgreSQL (fresh, under var/demo/pg), an SMTP server that captures"
          + " mail (var/demo/mail/*.eml), the Stripe emulator and the real daemon, then drives"
          + " about 1,000 accounts through a simulated month of usage."
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

  private final CliEnvironment env;

  DemoCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    if (accounts < 1 || accounts > 100_000) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--accounts must be between 1 and 100000");
    }
    if (days < 1 || days > 365) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--days must be between 1 and 365");
    }
    return new Demo(accounts, days, env.out, env.err).run();
  }
}
