package dev.walletworker.worker.process;

import dev.walletworker.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real daemon: {@code java -jar wallet-worker.jar run} in its own process, on the test database,
 * with its own ports. Its log is kept under {@code target/daemon-logs/}.
 */
final class DaemonProcess implements AutoCloseable {

  static final Path JAR = Path.of("target/wallet-worker.jar").toAbsolutePath();

  /**
   * Every test daemon's {@code SCHEDULER_CLUSTER_CHECKIN}: short, so a killed daemon is presumed
   * dead within seconds.
   */
  static final Duration CLUSTER_CHECKIN = Duration.ofSeconds(1);

  /** Every test daemon's {@code SCHEDULER_IDLE_WAIT}. */
  static final Duration IDLE_WAIT = Duration.ofSeconds(1);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final String name;
  final int apiPort;
  final int managementPort;
  final Path log;
  private final Process process;

  private DaemonProcess(String name, int apiPort, int managementPort, Path log, Process process) {
    this.name = name;
    this.apiPort = apiPort;
    this.managementPort = managementPort;
    this.log = log;
    this.process = process;
  }

  /** Where a daemon connects. */
  record Target(String url, String username, String password) {}

  /** Starts a daemon on the test database and waits until it reports ready. */
  static DaemonProcess start(String name, TestDatabase db, Map<String, String> env)
      throws Exception {
    return start(name, new Target(db.jdbcUrl(), db.username(), db.password()), env);
  }

  /** Starts a daemon on {@code target} and waits until it reports ready. */
  static DaemonProcess start(String name, Target target, Map<String, String> env) throws Exception {
    return start(name, target, env, freePort());
  }

  /** Starts a daemon serving its API on {@code apiPort}. */
  static DaemonProcess start(String name, Target target, Map<String, String> env, int apiPort)
      throws Exception {
    DaemonProcess daemon = launch(name, target, env, apiPort);
    daemon.awaitReady(Duration.ofSeconds(90));
    return daemon;
  }

  /**
   * Starts the process and returns at once, before it is ready: for a kill while the JVM is still
   * starting.
   */
  static DaemonProcess launch(String name, Target target, Map<String, String> env, int apiPort)
      throws IOException {
    int managementPort = freePort();
    Path logs = Path.of("target/daemon-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(name + "-" + System.currentTimeMillis() + ".log");
    List<String> command = new ArrayList<>(List.of("java", "-Xmx256m"));
    // -Ddaemon.jvm-options="-XX:StartFlightRecording=…": flags for a profile of a benchmark's
    // daemon (split on spaces); none by default.
    String extra = System.getProperty("daemon.jvm-options", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", JAR.toString(), "run"));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.put("DATABASE_URL", target.url());
    environment.put("DATABASE_USERNAME", target.username());
    environment.put("DATABASE_PASSWORD", target.password());
    environment.put("API_PORT", Integer.toString(apiPort));
    environment.put("MANAGEMENT_PORT", Integer.toString(managementPort));
    environment.put("SCHEDULER_CLUSTER_CHECKIN", CLUSTER_CHECKIN.toMillis() + "ms");
    environment.put("SCHEDULER_IDLE_WAIT", IDLE_WAIT.toMillis() + "ms");
    environment.putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new DaemonProcess(name, apiPort, managementPort, log, builder.start());
  }

  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
      }
      if (health("/actuator/health/readiness") == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not ready after " + timeout + ":\n" + log());
  }

  int health(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String get(String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM; returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not exit within " + timeout + " of SIGTERM:\n" + log());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown of any kind. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    return dev.walletworker.testing.FreePorts.next();
  }
}
