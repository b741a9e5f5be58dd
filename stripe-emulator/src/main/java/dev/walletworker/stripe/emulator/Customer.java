package dev.walletworker.stripe.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** A stored customer. */
record Customer(String id, String email, String name, Map<String, String> metadata, long created) {

  static Customer create(String email, String name, Map<String, String> metadata) {
    return new Customer("cus_" + Ids.random(14), email, name, Maps.frozen(metadata), Ids.now());
  }

  /** As Stripe's API shows it. */
  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("object", "customer");
    json.put("email", email);
    json.put("name", name);
    json.put("metadata", metadata);
    json.put("created", created);
    json.put("livemode", false);
    return json;
  }
}
