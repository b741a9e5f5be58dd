package dev.walletworker.stripe.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Stripe's form encoding: {@code metadata[account_id]=x&line_items[0][quantity]=1}. */
final class FormParams {

  private FormParams() {}

  /** The flat pairs, in order (also the request's fingerprint for idempotency). */
  static Map<String, String> flat(String body) {
    Map<String, String> pairs = new TreeMap<>();
    if (body == null || body.isBlank()) {
      return pairs;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      pairs.put(key, value);
    }
    return pairs;
  }

  /** {@code prefix[key]} entries as a map: {@code metadata[a]=1} gives {@code {a=1}}. */
  static Map<String, String> sub(Map<String, String> flat, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    String open = prefix + "[";
    for (Map.Entry<String, String> e : flat.entrySet()) {
      if (e.getKey().startsWith(open)) {
        String rest = e.getKey().substring(open.length());
        int close = rest.indexOf(']');
        if (close > 0 && close == rest.length() - 1) {
          out.put(rest.substring(0, close), e.getValue());
        }
      }
    }
    return out;
  }

  /** {@code line_items[i][...]} entries grouped by index. */
  static List<Map<String, String>> list(Map<String, String> flat, String prefix) {
    Map<Integer, Map<String, String>> items = new TreeMap<>();
    String open = prefix + "[";
    for (Map.Entry<String, String> e : flat.entrySet()) {
      if (e.getKey().startsWith(open)) {
        String rest = e.getKey().substring(open.length());
        int close = rest.indexOf(']');
        if (close > 0) {
          try {
            int index = Integer.parseInt(rest.substring(0, close));
            items
                .computeIfAbsent(index, i -> new LinkedHashMap<>())
                .put(rest.substring(close + 1), e.getValue());
          } catch (NumberFormatException notAList) {
            // a map key, not an index
          }
        }
      }
    }
    return new ArrayList<>(items.values());
  }
}
