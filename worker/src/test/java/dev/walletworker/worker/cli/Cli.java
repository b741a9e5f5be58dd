package dev.walletworker.worker.cli;

import dev.walletworker.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/** Runs {@code bin/worker} command lines in this JVM against the test database. */
public final class Cli {

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Read numbers exactly as printed, so a test can check "25.50" and not 25.5.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private final TestDatabase db;

  public Cli(TestDatabase db) {
    this.db = db;
  }

  public Result run(String... args) {
    return runWith(Map.of(), args);
  }

  /** With extra configuration, as an operator's environment would give it. */
  public Result runWith(Map<String, String> config, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        WorkerCommand.execute(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            overrides(config));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Map<String, String> overrides(Map<String, String> config) {
    Map<String, String> all = new java.util.HashMap<>(config);
    all.put("wallet.database.url", db.jdbcUrl());
    all.put("wallet.database.username", db.username());
    all.put("wallet.database.password", db.password());
    return all;
  }

  /** Runs a --json command that must succeed and returns its one document. */
  JsonNode json(String... args) {
    Result result = run(args);
    if (result.code() != 0) {
      throw new AssertionError("exit " + result.code() + ": " + result.err());
    }
    return result.json();
  }

  public record Result(int code, String out, String err) {
    /** stdout parsed as exactly one JSON document (trailing content fails). */
    JsonNode json() {
      return JSON.readTree(out);
    }
  }
}
