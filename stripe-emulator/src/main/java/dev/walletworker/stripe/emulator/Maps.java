package dev.walletworker.stripe.emulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stored objects keep their maps read-only, so an object shown or sent is never changed later. */
final class Maps {

  private Maps() {}

  /** A read-only copy that keeps the order and allows null values (JSON has them). */
  static <V> Map<String, V> frozen(Map<String, V> map) {
    return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
