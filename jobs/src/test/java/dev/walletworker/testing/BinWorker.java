package dev.walletworker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/worker} as a newcomer runs it: a real process through the launcher of the checkout at
 * {@code root}, in {@code workDir}, on its own embedded PostgreSQL (no {@code DATABASE_URL}).
 */
public final class BinWorker {

  /** What a finished command printed, and its exit code. */
  public record Run(int code, String out, String err) {}

  private BinWorker() {}

  /**
   * Runs {@code bin/worker args…} with the embedded database on {@code dbPort}, {@code env} added;
   * fails the test after 180 s.
   */
  public static Run run(
      Path root, Path workDir, int dbPort, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("bin/worker").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().remove("DATABASE_URL");
    builder.environment().put("EMBEDDED_DB_PORT", String.valueOf(dbPort));
    builder.environment().putAll(env);
    Path out = workDir.resolve("stdout.txt");
    Path err = workDir.resolve("stderr.txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/worker " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
