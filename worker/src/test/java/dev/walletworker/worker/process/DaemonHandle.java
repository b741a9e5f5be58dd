package dev.walletworker.worker.process;

import dev.walletworker.testing.TestDatabase;
import java.util.Map;

/** A daemon process for code outside this package (benchmarks). */
public final class DaemonHandle implements AutoCloseable {

  private final DaemonProcess daemon;

  private DaemonHandle(DaemonProcess daemon) {
    this.daemon = daemon;
  }

  public static DaemonHandle start(String name, TestDatabase db, Map<String, String> env)
      throws Exception {
    return new DaemonHandle(DaemonProcess.start(name, db, env));
  }

  /** The port its API (and the metering API) answers on. */
  public int apiPort() {
    return daemon.apiPort;
  }

  /** Its operating-system process id (for benchmarks that read its CPU time). */
  public long pid() {
    return daemon.pid();
  }

  public String log() {
    return daemon.log();
  }

  /** The daemon's Prometheus metrics, as text. */
  public String metrics() throws java.io.IOException, InterruptedException {
    return daemon.get("/actuator/prometheus");
  }

  @Override
  public void close() throws InterruptedException {
    daemon.close();
  }
}
