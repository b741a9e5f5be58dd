package dev.walletworker.worker.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How many cores the daemon, PostgreSQL and the load generator each used between two readings of
 * {@code /proc} (Linux): the benchmark's evidence for what limits a figure. A process's CPU time is
 * the user and system time of all its threads; PostgreSQL is every process named {@code postgres}
 * (its backends for each connection included). Where {@code /proc} cannot be read, the shares are
 * empty and the report says so.
 */
final class CpuShares {

  /** Clock ticks per second of {@code /proc/<pid>/stat}: 100 on every Linux this runs on. */
  private static final double TICKS = 100.0;

  record Reading(long nanos, Map<String, Long> ticks) {}

  private CpuShares() {}

  /** CPU ticks so far of the daemon, the generator and PostgreSQL. */
  static Reading read(long daemon, long generator) {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes.forEach(
          dir -> {
            String name = dir.getFileName().toString();
            if (!name.chars().allMatch(Character::isDigit)) {
              return;
            }
            long pid = Long.parseLong(name);
            String stat;
            try {
              stat = Files.readString(dir.resolve("stat"));
            } catch (IOException | RuntimeException gone) {
              return; // the process ended between the listing and the read
            }
            String command = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String who =
                pid == daemon
                    ? "daemon"
                    : pid == generator
                        ? "generator"
                        : command.equals("postgres") ? "postgres" : null;
            if (who != null) {
              String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command.
              ticks.merge(who, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
            }
          });
    } catch (IOException | RuntimeException e) {
      return new Reading(System.nanoTime(), Map.of());
    }
    return new Reading(System.nanoTime(), ticks);
  }

  /**
   * Cores used by each between the readings, as {@code daemon 0.95, PostgreSQL 0.84, generator 0.14
   * cores}. PostgreSQL's backends that ended in between are not counted (a benchmark's connections
   * stay open).
   */
  static String between(Reading before, Reading after) {
    if (before.ticks().isEmpty() || after.ticks().isEmpty()) {
      return "CPU shares unavailable (no /proc)";
    }
    double seconds = (after.nanos() - before.nanos()) / 1e9;
    return String.format(
        Locale.ROOT,
        "cores used: daemon %.2f, PostgreSQL %.2f, generator %.2f",
        cores(before, after, "daemon", seconds),
        cores(before, after, "postgres", seconds),
        cores(before, after, "generator", seconds));
  }

  private static double cores(Reading before, Reading after, String who, double seconds) {
    long used = after.ticks().getOrDefault(who, 0L) - before.ticks().getOrDefault(who, 0L);
    return Math.max(0, used) / TICKS / seconds;
  }
}
