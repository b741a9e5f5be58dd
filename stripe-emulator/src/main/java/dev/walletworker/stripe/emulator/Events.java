package dev.walletworker.stripe.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every event so far, in order; each new one goes to the webhook. */
final class Events {

  private final Object lock;
  private final Webhooks webhooks;
  private final Map<String, Event> events = new LinkedHashMap<>();
  // Events carry the API version the client asked for, as an account pinned to it would get.
  private volatile String apiVersion = "2026-07-29.dahlia";

  Events(Object lock, Webhooks webhooks) {
    this.lock = lock;
    this.webhooks = webhooks;
  }

  /** The API version the client last asked for ({@code Stripe-Version}). */
  void apiVersion(String version) {
    apiVersion = version;
  }

  /** Records an event about {@code object} as it is now, and sends it to the webhook. */
  void emit(String type, Map<String, Object> object) {
    Event event = Event.of(type, apiVersion, object);
    synchronized (lock) {
      events.put(event.id(), event);
    }
    webhooks.submit(event);
  }

  List<Event> all() {
    synchronized (lock) {
      return List.copyOf(events.values());
    }
  }

  Optional<Event> find(String id) {
    synchronized (lock) {
      return Optional.ofNullable(events.get(id));
    }
  }

  void clear() {
    synchronized (lock) {
      events.clear();
    }
  }
}
