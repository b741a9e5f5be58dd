package dev.walletworker.stripe.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Reading requests and writing answers on the JDK's HTTP server. */
final class Exchanges {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private Exchanges() {}

  static String body(HttpExchange exchange) throws IOException {
    return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** A GET's query parameters. */
  static Map<String, String> query(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawQuery();
    Map<String, String> params = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  static void json(HttpExchange exchange, ApiResponse response) throws IOException {
    exchange.getResponseHeaders().set("Request-Id", "req_" + Ids.random(14));
    send(exchange, response.status(), "application/json", JSON.writeValueAsBytes(response.body()));
  }

  static void html(HttpExchange exchange, int status, String page) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    send(exchange, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  static void javascript(HttpExchange exchange, String script) throws IOException {
    send(exchange, 200, "text/javascript; charset=utf-8", script.getBytes(StandardCharsets.UTF_8));
  }

  /** 303 See Other: after a form's POST, the browser GETs {@code location}. */
  static void seeOther(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(303, -1);
  }

  /**
   * Half of the answer, then a closed connection: as when the network fails on the way back after
   * Stripe did the work.
   */
  static void drop(HttpExchange exchange, ApiResponse response) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(response.body());
    exchange.sendResponseHeaders(200, bytes.length);
    OutputStream out = exchange.getResponseBody();
    out.write(bytes, 0, bytes.length / 2);
    out.flush();
    try {
      out.close();
    } catch (IOException expected) {
      // "insufficient bytes written": the server closes the connection, which is the point.
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] bytes)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
