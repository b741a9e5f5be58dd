package dev.walletworker.stripe.emulator;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stripe's idempotency keys: the first request with a key is executed and its answer saved; the
 * same request again gets that answer (replayed); another request with the key is refused.
 */
final class Idempotency {

  /** An answer, and whether it was a replay of a saved one. */
  record Outcome(ApiResponse response, boolean replayed) {}

  private record Saved(String fingerprint, ApiResponse response) {}

  private final Object lock;
  private final Map<String, Saved> saved = new HashMap<>();

  Idempotency(Object lock) {
    this.lock = lock;
  }

  /**
   * @param fingerprint what makes two requests the same (method, path and parameters)
   */
  Outcome execute(String key, String fingerprint, Supplier<ApiResponse> request) {
    synchronized (lock) {
      Saved first = saved.get(key);
      if (first == null) {
        ApiResponse response = request.get();
        saved.put(key, new Saved(fingerprint, response.delivered()));
        return new Outcome(response, false);
      }
      if (!first.fingerprint().equals(fingerprint)) {
        return new Outcome(
            ApiResponse.error(
                400,
                "idempotency_error",
                null,
                "Keys for idempotent requests can only be used with the same parameters they were"
                    + " first used with. Try using a key other than '"
                    + key
                    + "' if you meant to execute a different request.",
                null),
            false);
      }
      return new Outcome(first.response(), true);
    }
  }

  void clear() {
    synchronized (lock) {
      saved.clear();
    }
  }
}
