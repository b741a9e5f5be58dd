package dev.walletworker.stripe.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A session's {@code url}, {@code /_emulator/checkout/ID}: the session as JSON, and {@code POST
 * …/complete}, the customer paying.
 */
final class HostedCheckout {

  static final String PATH = "/_emulator/checkout/";

  private final CheckoutSessions sessions;

  HostedCheckout(CheckoutSessions sessions) {
    this.sessions = sessions;
  }

  void handle(HttpExchange exchange, String method, String path) throws IOException {
    String[] parts = path.substring(PATH.length()).split("/");
    String id = parts[0];
    String action = parts.length == 2 ? parts[1] : null;
    Optional<CheckoutSession> found = sessions.find(id);
    if (parts.length > 2 || id.isEmpty()) {
      Exchanges.json(exchange, ApiResponse.unknownControl(method, path));
    } else if (action == null && method.equals("GET")) {
      Exchanges.json(
          exchange,
          found
              .map(
                  s ->
                      ApiResponse.ok(
                          Map.of(
                              "checkout_session",
                              s.json(),
                              "complete_with",
                              "POST " + path + "/complete")))
              .orElseGet(() -> noSession(id)));
    } else if ("complete".equals(action)) {
      Exchanges.json(
          exchange,
          found.isEmpty()
              ? noSession(id)
              : ApiResponse.ok(sessions.complete(id, null, 0, false).json()));
    } else {
      Exchanges.json(exchange, ApiResponse.unknownControl(method, path));
    }
  }

  private static ApiResponse noSession(String id) {
    return ApiResponse.notFound("checkout.session", id);
  }
}
