package dev.walletworker.worker.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import sun.misc.Signal;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Start the daemon: join the scheduler cluster, run the jobs on their schedules and on"
          + " wake-ups, and serve the API, health and metrics.",
      "SIGTERM or Ctrl-C drains running jobs and exits 0."
    })
final class RunCommand implements Callable<Integer> {

  private final CliEnvironment env;

  RunCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    // Handled here rather than by the JVM's shutdown hooks, so that a requested stop drains the
    // jobs and exits 0 (a JVM ended by SIGTERM reports 143).
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    ConfigurableApplicationContext daemon = env.openDaemon();
    stop.await();
    // Not a static field: picocli creates every command for each command line, and a logger would
    // start the logging system even for --help.
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    log.info("shutdown requested");
    daemon.close();
    return 0;
  }
}
