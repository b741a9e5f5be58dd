package dev.walletworker.worker.process;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The shared {@link dev.walletworker.testing.Await} for process tests: a timeout fails with what
 * the daemons logged, since that is where the reason is.
 */
final class Await {

  private static final int LOG_LINES = 200;

  private Await() {}

  /** Polls {@code condition} until it holds; fails after {@code timeout}. */
  static void await(BooleanSupplier condition, Duration timeout, DaemonProcess... daemons)
      throws InterruptedException {
    await("condition", condition, timeout, daemons);
  }

  /** As {@link #await(BooleanSupplier, Duration, DaemonProcess...)}, naming what was awaited. */
  static void await(
      String what, BooleanSupplier condition, Duration timeout, DaemonProcess... daemons)
      throws InterruptedException {
    dev.walletworker.testing.Await.until(
        condition,
        timeout,
        () -> {
          StringBuilder message = new StringBuilder(what);
          for (DaemonProcess daemon : daemons) {
            message.append("\n--- ").append(daemon.name).append(" log (tail):\n");
            message.append(tail(daemon.log(), LOG_LINES));
          }
          return message.toString();
        });
  }

  /** The last {@code lines} lines of {@code text}: a daemon's whole log buries the error. */
  static String tail(String text, int lines) {
    int at = text.length();
    for (int i = 0; i < lines && at > 0; i++) {
      at = text.lastIndexOf('\n', at - 1);
      if (at < 0) {
        return text;
      }
    }
    return text.substring(at + 1);
  }
}
