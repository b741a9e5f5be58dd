package dev.walletworker.worker;

import dev.walletworker.worker.cli.WorkerCommand;
import java.util.Map;

/** {@code bin/worker}: the ops CLI, and (from {@code run}) the daemon. */
public final class WorkerMain {

  private WorkerMain() {}

  public static void main(String[] args) {
    System.exit(WorkerCommand.execute(args, System.out, System.err, Map.of()));
  }
}
