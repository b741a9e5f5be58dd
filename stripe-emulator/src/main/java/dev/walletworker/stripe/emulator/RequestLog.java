package dev.walletworker.stripe.emulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API requests received, as they arrived (before any latency or fault): the latest {@value
 * #KEPT} of them, and a count of all.
 */
final class RequestLog {

  static final int KEPT = 100_000;

  private final AtomicInteger count = new AtomicInteger();
  private final ArrayDeque<ReceivedRequest> received = new ArrayDeque<>();

  void add(String method, String path, String idempotencyKey, String body) {
    count.incrementAndGet();
    ReceivedRequest request =
        new ReceivedRequest(
            Instant.now(),
            method,
            path,
            idempotencyKey,
            method.equals("POST") ? FormParams.sub(FormParams.flat(body), "metadata") : Map.of());
    synchronized (received) {
      if (received.size() == KEPT) {
        received.removeFirst();
      }
      received.addLast(request);
    }
  }

  /** How many API requests were received, ever. */
  int count() {
    return count.get();
  }

  List<ReceivedRequest> all() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Forgets the requests (not the count). */
  void clear() {
    synchronized (received) {
      received.clear();
    }
  }
}
