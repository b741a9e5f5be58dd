package dev.walletworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} reads \"{1}\"")
  @CsvSource({
    "PT0.2S, 1 second",
    "PT1S, 1 second",
    "PT30S, 30 seconds",
    "PT59S, 59 seconds",
    "PT1M, 1 minute",
    "PT90S, 1 minute 30 seconds",
    "PT45M, 45 minutes",
    "PT1H, 1 hour",
    "PT1H30M, 1 hour 30 minutes",
    "PT1H0M20S, 1 hour",
    "PT2H, 2 hours",
    "PT24H, 1 day",
    "PT50H, 2 days 2 hours",
  })
  void aDurationReadsAsAPersonWritesIt(String duration, String words) {
    assertThat(Durations.words(Duration.parse(duration))).isEqualTo(words);
  }
}
