package dev.walletworker.stripe.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A session's {@code url}, {@code /_emulator/checkout/ID}: the hosted Checkout page for a browser
 * (where Pay completes the session and returns the customer to {@code success_url}, Cancel to
 * {@code cancel_url}), the session as JSON for a client that asks for it, and {@code POST
 * …/complete}, the same payment as a control.
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
      show(exchange, found, id, path);
    } else if ("complete".equals(action)) {
      Exchanges.json(
          exchange,
          found.isEmpty()
              ? noSession(id)
              : ApiResponse.ok(sessions.complete(id, null, 0, false).json()));
    } else if ("pay".equals(action) && method.equals("POST")) {
      pay(exchange, found, id);
    } else if ("cancel".equals(action) && method.equals("POST")) {
      cancel(exchange, found, id);
    } else {
      Exchanges.json(exchange, ApiResponse.unknownControl(method, path));
    }
  }

  private void show(HttpExchange exchange, Optional<CheckoutSession> found, String id, String path)
      throws IOException {
    if (wantsHtml(exchange)) {
      if (found.isPresent()) {
        Exchanges.html(exchange, 200, CheckoutPage.of(found.get()));
      } else {
        Exchanges.html(exchange, 404, CheckoutPage.notFound(id));
      }
    } else {
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
    }
  }

  /** Pay: as {@code completeCheckout}, then back to the site (303, so the browser GETs it). */
  private void pay(HttpExchange exchange, Optional<CheckoutSession> found, String id)
      throws IOException {
    if (found.isEmpty()) {
      Exchanges.html(exchange, 404, CheckoutPage.notFound(id));
    } else if (!found.get().open()) {
      Exchanges.html(exchange, 409, CheckoutPage.of(found.get()));
    } else {
      CheckoutSession paid = sessions.complete(id, null, 0, false);
      Exchanges.seeOther(exchange, paid.successRedirect());
    }
  }

  /** Cancel: nothing charged, the session stays open (as on Stripe), back to the site. */
  private void cancel(HttpExchange exchange, Optional<CheckoutSession> found, String id)
      throws IOException {
    if (found.isEmpty()) {
      Exchanges.html(exchange, 404, CheckoutPage.notFound(id));
    } else if (!found.get().open()) {
      Exchanges.html(exchange, 409, CheckoutPage.of(found.get()));
    } else if (found.get().cancelUrl() == null) {
      Exchanges.html(exchange, 200, CheckoutPage.cancelled());
    } else {
      Exchanges.seeOther(exchange, found.get().cancelUrl());
    }
  }

  /** A browser asks for HTML; a client asking for JSON (or for nothing in particular) gets JSON. */
  private static boolean wantsHtml(HttpExchange exchange) {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    return accept != null && accept.contains("text/html") && !accept.contains("application/json");
  }

  private static ApiResponse noSession(String id) {
    return ApiResponse.notFound("checkout.session", id);
  }
}
