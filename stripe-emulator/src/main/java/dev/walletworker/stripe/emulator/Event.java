package dev.walletworker.stripe.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored event.
 *
 * @param object the object as it was when the event happened (later changes do not rewrite it)
 */
record Event(String id, String type, String apiVersion, long created, Map<String, Object> object) {

  static Event of(String type, String apiVersion, Map<String, Object> object) {
    return new Event("evt_" + Ids.random(24), type, apiVersion, Ids.now(), Maps.frozen(object));
  }

  /** As Stripe sends it to a webhook. */
  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("object", "event");
    json.put("api_version", apiVersion);
    json.put("created", created);
    json.put("type", type);
    json.put("livemode", false);
    json.put("pending_webhooks", 1);
    json.put("data", Map.of("object", object));
    return json;
  }
}
