package dev.walletworker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Durations as a person writes them in a sentence: "30 seconds", "1 hour", "1 hour 30 minutes". */
public final class Durations {

  private Durations() {}

  /**
   * The two largest non-zero units of {@code duration} (days, hours, minutes, seconds), singular
   * where one; anything under a second reads "1 second", never "0 minutes".
   */
  public static String words(Duration duration) {
    long seconds = Math.max(1, duration.toSeconds());
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"day", "hour", "minute", "second"};
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < sizes.length && parts.size() < 2; i++) {
      long count = seconds / sizes[i];
      seconds %= sizes[i];
      if (count > 0) {
        parts.add(count + " " + units[i] + (count == 1 ? "" : "s"));
      } else if (!parts.isEmpty()) {
        // "1 hour", not "1 hour 0 minutes 20 seconds": stop at the first gap after the largest
        // unit.
        break;
      }
    }
    return String.join(" ", parts);
  }
}
