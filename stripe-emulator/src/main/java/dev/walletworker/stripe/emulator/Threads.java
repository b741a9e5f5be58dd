package dev.walletworker.stripe.emulator;

import java.time.Duration;

final class Threads {

  private Threads() {}

  /** The emulator's threads never keep a JVM alive. */
  static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  static void sleep(Duration duration) {
    if (!duration.isZero()) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
