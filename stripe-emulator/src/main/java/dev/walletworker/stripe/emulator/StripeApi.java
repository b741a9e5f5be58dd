package dev.walletworker.stripe.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe's API under {@code /v1}: each request logged, then the injected faults (latency, rate
 * limit, errors), a secret key checked, idempotency keys honoured, and the request routed to its
 * resource.
 */
final class StripeApi {

  private static final Logger log = LoggerFactory.getLogger(StripeApi.class);

  private final Object lock;
  private final Faults faults;
  private final RateLimit rateLimit;
  private final RequestLog requests;
  private final Idempotency idempotency;
  private final Events events;
  private final Customers customers;
  private final PaymentIntents paymentIntents;
  private final CheckoutSessions sessions;

  StripeApi(
      Object lock,
      Faults faults,
      RateLimit rateLimit,
      RequestLog requests,
      Idempotency idempotency,
      Events events,
      Customers customers,
      PaymentIntents paymentIntents,
      CheckoutSessions sessions) {
    this.lock = lock;
    this.faults = faults;
    this.rateLimit = rateLimit;
    this.requests = requests;
    this.idempotency = idempotency;
    this.events = events;
    this.customers = customers;
    this.paymentIntents = paymentIntents;
    this.sessions = sessions;
  }

  void handle(HttpExchange exchange, String method, String path) throws IOException {
    String body = Exchanges.body(exchange);
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    requests.add(method, path, key, body);
    Threads.sleep(faults.latency);
    if (rateLimit.refuse(faults.rateLimitPerSecond)) {
      Exchanges.json(
          exchange,
          ApiResponse.error(
              429,
              "rate_limit_error",
              "rate_limit",
              "Too many requests hit the API too quickly.",
              null));
      return;
    }
    if (faults.failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      Exchanges.json(
          exchange,
          ApiResponse.error(
              faults.failStatus, "api_error", null, "An unknown error occurred (injected).", null));
      return;
    }
    String version = exchange.getRequestHeaders().getFirst("Stripe-Version");
    if (version != null) {
      events.apiVersion(version);
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer sk_")) {
      Exchanges.json(
          exchange,
          ApiResponse.error(401, "invalid_request_error", null, "Invalid API Key provided.", null));
      return;
    }
    Map<String, String> params =
        method.equals("GET") ? Exchanges.query(exchange) : FormParams.flat(body);
    ApiResponse response;
    if (key != null && method.equals("POST")) {
      Idempotency.Outcome outcome =
          idempotency.execute(
              key, method + " " + path + " " + params, () -> route(method, path, params));
      if (outcome.replayed()) {
        exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
      }
      response = outcome.response();
    } else {
      response = route(method, path, params);
    }
    if (response.drop()) {
      // The charge is recorded and its answer saved for the key; the client never reads it.
      log.info("stripe emulator dropped the connection after a charge ({})", path);
      Exchanges.drop(exchange, response);
      return;
    }
    Exchanges.json(exchange, response);
  }

  private ApiResponse route(String method, String path, Map<String, String> params) {
    String[] parts = path.substring(1).split("/");
    // One request at a time changes the account, as one Stripe object is changed atomically.
    synchronized (lock) {
      if (method.equals("POST") && path.equals("/v1/customers")) {
        return customers.create(params);
      }
      if (method.equals("GET") && parts.length == 3 && parts[1].equals("customers")) {
        return customers.retrieve(parts[2]);
      }
      if (method.equals("POST") && path.equals("/v1/payment_intents")) {
        return paymentIntents.create(params);
      }
      if (method.equals("GET") && path.equals("/v1/payment_intents/search")) {
        return paymentIntents.search(params.getOrDefault("query", ""));
      }
      if (method.equals("GET") && parts.length == 3 && parts[1].equals("payment_intents")) {
        return paymentIntents.retrieve(parts[2]);
      }
      if (method.equals("POST") && path.equals("/v1/checkout/sessions")) {
        return sessions.create(params);
      }
      if (method.equals("GET")
          && parts.length == 4
          && parts[1].equals("checkout")
          && parts[2].equals("sessions")) {
        return sessions.retrieve(parts[3]);
      }
    }
    return ApiResponse.error(
        404,
        "invalid_request_error",
        null,
        "Unrecognized request URL (" + method + ": " + path + ").",
        null);
  }
}
