package dev.walletworker.stripe.emulator;

import java.time.Duration;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The emulator's own controls under {@code /_emulator/} (JSON), for a test or a person driving it
 * from outside the JVM: the webhook, faults, what was charged and sent, and what customers do
 * outside the API (the hosted Checkout page is {@link HostedCheckout}).
 */
final class ControlApi {

  private final Webhooks webhooks;
  private final Faults faults;
  private final Charges charges;
  private final Events events;
  private final PaymentIntents paymentIntents;
  private final ToIntFunction<String> deliver;

  /**
   * @param deliver sends an event to the webhook now, returning the HTTP status
   */
  ControlApi(
      Webhooks webhooks,
      Faults faults,
      Charges charges,
      Events events,
      PaymentIntents paymentIntents,
      ToIntFunction<String> deliver) {
    this.webhooks = webhooks;
    this.faults = faults;
    this.charges = charges;
    this.events = events;
    this.paymentIntents = paymentIntents;
    this.deliver = deliver;
  }

  ApiResponse handle(String method, String path, String body) {
    String[] parts = path.substring(1).split("/");
    try {
      if (method.equals("GET") && path.equals("/_emulator/charges")) {
        return ApiResponse.ok(Map.of("data", charges.all()));
      }
      if (method.equals("GET") && path.equals("/_emulator/events")) {
        return ApiResponse.ok(Map.of("data", events.all().stream().map(Event::json).toList()));
      }
      if (method.equals("POST") && path.equals("/_emulator/webhook")) {
        Map<?, ?> config = Exchanges.JSON.readValue(body, Map.class);
        webhooks.configure((String) config.get("url"), (String) config.get("secret"));
        return ApiResponse.ok(Map.of("url", webhooks.url()));
      }
      if (method.equals("POST") && path.equals("/_emulator/faults")) {
        setFaults(Exchanges.JSON.readValue(body, Map.class));
        return ApiResponse.ok(Map.of("faults", "set"));
      }
      if (parts.length == 4 && parts[1].equals("payment_intents")) {
        if (parts[3].equals("authenticate")) {
          return ApiResponse.ok(paymentIntents.authenticate(parts[2]).json());
        }
        if (method.equals("POST") && parts[3].equals("refuse_authentication")) {
          paymentIntents.refuseAuthentication(parts[2]);
          return ApiResponse.ok(Map.of("refuse_authentication", parts[2]));
        }
      }
      if (parts.length == 4 && parts[1].equals("events") && parts[3].equals("resend")) {
        return ApiResponse.ok(Map.of("status", deliver.applyAsInt(parts[2])));
      }
    } catch (IllegalArgumentException e) {
      return ApiResponse.error(404, "invalid_request_error", null, e.getMessage(), null);
    }
    return ApiResponse.unknownControl(method, path);
  }

  private void setFaults(Map<?, ?> config) {
    faults.reset();
    if (config.get("latency_ms") instanceof Number n) {
      faults.latency(Duration.ofMillis(n.longValue()));
    }
    if (config.get("fail_next") instanceof Number n) {
      faults.failNext(
          n.intValue(), config.get("fail_status") instanceof Number s ? s.intValue() : 500);
    }
    if (config.get("rate_limit_per_second") instanceof Number n) {
      faults.rateLimit(n.intValue());
    }
    if (config.get("drop_after_charge_next") instanceof Number n) {
      faults.dropAfterChargeNext(n.intValue());
    }
  }
}
