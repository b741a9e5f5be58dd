package dev.walletworker.worker;

import dev.walletworker.worker.cli.WorkerCommand;
import java.util.Map;
import java.util.TimeZone;

/** {@code bin/worker}: the ops CLI, and (from {@code run}) the daemon. */
public final class WorkerMain {

  private WorkerMain() {}

  public static void main(String[] args) {
    // Spring Batch stamps its history with local times: make "local" UTC everywhere.
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    System.exit(WorkerCommand.execute(args, System.out, System.err, Map.of()));
  }
}
