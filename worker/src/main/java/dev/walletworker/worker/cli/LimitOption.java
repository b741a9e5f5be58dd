package dev.walletworker.worker.cli;

import picocli.CommandLine.Option;

/** {@code --limit N} of the list commands: how many rows, newest first. */
final class LimitOption {

  static final int MAX = 1000;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "How many rows, 1 to " + MAX + " (default 20).")
  int value;
}
