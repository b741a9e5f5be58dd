package dev.walletworker.testing;

import dev.walletworker.topup.TopUpSettings;
import java.time.Duration;

/** Auto top-up settings for tests: the shipped defaults, but a smaller concurrency. */
public record TestTopUpSettings(
    Duration cooldown,
    int maxFailures,
    int dailyCap,
    Duration retryInitial,
    Duration retryMax,
    Duration searchAfter,
    Duration giveUpAfter,
    Duration actionTimeout,
    int batchSize,
    int concurrency)
    implements TopUpSettings {

  public static TestTopUpSettings standard() {
    return new TestTopUpSettings(
        Duration.ofHours(1),
        3,
        5,
        Duration.ofSeconds(10),
        Duration.ofMinutes(10),
        Duration.ofMinutes(10),
        Duration.ofHours(23),
        Duration.ofHours(24),
        50,
        4);
  }

  public TestTopUpSettings withBatchSize(int attempts) {
    return new TestTopUpSettings(
        cooldown,
        maxFailures,
        dailyCap,
        retryInitial,
        retryMax,
        searchAfter,
        giveUpAfter,
        actionTimeout,
        attempts,
        concurrency);
  }

  public TestTopUpSettings withConcurrency(int attempts) {
    return new TestTopUpSettings(
        cooldown,
        maxFailures,
        dailyCap,
        retryInitial,
        retryMax,
        searchAfter,
        giveUpAfter,
        actionTimeout,
        batchSize,
        attempts);
  }
}
