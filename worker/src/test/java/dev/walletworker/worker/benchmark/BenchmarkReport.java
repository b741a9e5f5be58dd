package dev.walletworker.worker.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What every benchmark shares: order statistics and publishing its report block. */
final class BenchmarkReport {

  private BenchmarkReport() {}

  /** The nearest-rank percentile {@code p} (0–100) of {@code values}. */
  static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(
        Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
  }

  static long median(List<Long> values) {
    return percentile(values, 50);
  }

  /** "met" or "MISSED": the word the reader looks for. */
  static String verdict(boolean met) {
    return met ? "met" : "MISSED";
  }

  /** Prints {@code report} and writes it to {@code target/benchmarks/<name>.txt}. */
  static void publish(String name, String report) {
    System.out.print(report);
    System.out.flush();
    Path out = Path.of("target/benchmarks/" + name + ".txt");
    try {
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + out, e);
    }
  }
}
