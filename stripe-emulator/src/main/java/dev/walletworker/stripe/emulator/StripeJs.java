package dev.walletworker.stripe.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in for Stripe.js v3 at {@code /v3/} (Stripe's own is {@code https://js.stripe.com/v3/}),
 * so a page that confirms a PaymentIntent runs against the emulator: {@code Stripe(publishableKey)}
 * gives {@code confirmCardPayment(clientSecret[, data])} and {@code
 * handleNextAction({clientSecret})}, each a Promise of {@code {paymentIntent}} or {@code {error}},
 * as Stripe.js resolves them.
 *
 * <p>Behind them is {@code POST /_emulator/payment_intents/ID/confirm_with_client_secret} (form
 * fields {@code client_secret}, {@code key}): the client secret must be the PaymentIntent's, the
 * key a publishable one; then the owner authenticates (as {@link StripeEmulator#authenticate}), or
 * fails to if {@link StripeEmulator#refuseAuthentication} said so. Pages are served from other
 * origins (the wallet's billing pages), so these answers carry CORS headers.
 */
final class StripeJs {

  static final String SCRIPT_PATH = "/v3/";
  static final String CONFIRM = "confirm_with_client_secret";

  private final PaymentIntents paymentIntents;
  private final String script;

  /**
   * @param apiBase where the script sends its calls
   */
  StripeJs(PaymentIntents paymentIntents, String apiBase) {
    this.paymentIntents = paymentIntents;
    this.script = SCRIPT.replace("__API_BASE__", apiBase);
  }

  static boolean servesScript(String path) {
    return path.equals(SCRIPT_PATH) || path.equals("/v3");
  }

  static boolean confirms(String path) {
    String[] parts = path.substring(1).split("/");
    return parts.length == 4
        && parts[0].equals("_emulator")
        && parts[1].equals("payment_intents")
        && parts[3].equals(CONFIRM);
  }

  void script(HttpExchange exchange) throws IOException {
    allowAnyOrigin(exchange);
    Exchanges.javascript(exchange, script);
  }

  /** {@code …/confirm_with_client_secret}, and the browser's CORS preflight for it. */
  void confirm(HttpExchange exchange, String method, String path) throws IOException {
    allowAnyOrigin(exchange);
    if (method.equals("OPTIONS")) {
      exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST, OPTIONS");
      exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type");
      exchange.getResponseHeaders().set("Access-Control-Max-Age", "600");
      exchange.sendResponseHeaders(204, -1);
      return;
    }
    if (!method.equals("POST")) {
      Exchanges.json(exchange, ApiResponse.unknownControl(method, path));
      return;
    }
    String id = path.substring(1).split("/")[2];
    Map<String, String> form = FormParams.flat(Exchanges.body(exchange));
    Exchanges.json(exchange, confirm(id, form.get("client_secret"), form.get("key")));
  }

  private ApiResponse confirm(String id, String clientSecret, String key) {
    if (key == null || !key.startsWith("pk_")) {
      return ApiResponse.error(
          401,
          "invalid_request_error",
          null,
          "Invalid API Key provided: Stripe.js needs a publishable key (pk_…).",
          null);
    }
    PaymentIntent pi = paymentIntents.find(id).orElse(null);
    if (pi == null) {
      return ApiResponse.notFound("payment_intent", id);
    }
    if (!pi.hasClientSecret(clientSecret)) {
      return ApiResponse.invalid(
          "payment_intent_invalid_parameter",
          "The client_secret provided does not match any associated PaymentIntent on this"
              + " account.",
          "client_secret");
    }
    PaymentIntent confirmed = paymentIntents.confirmByOwner(id);
    if (confirmed.succeeded()) {
      return ApiResponse.ok(confirmed.publicJson());
    }
    Map<String, Object> error = new LinkedHashMap<>(confirmed.lastPaymentError());
    error.remove("payment_method");
    error.put("payment_intent", confirmed.publicJson());
    return new ApiResponse(402, Map.of("error", error), false);
  }

  private static void allowAnyOrigin(HttpExchange exchange) {
    // Nothing here rides on cookies: any page may call, as any page may load Stripe.js.
    exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
  }

  private static final String SCRIPT =
      """
      /*
       * Stripe emulator - test mode. A stand-in for Stripe.js v3, served by the wallet-worker
       * Stripe emulator so pages can confirm PaymentIntents in tests. It is not Stripe.js: it
       * offers Stripe(publishableKey).confirmCardPayment(clientSecret[, data]) and
       * .handleNextAction({clientSecret}) only, and ignores payment details.
       */
      (function () {
        "use strict";
        var API = "__API_BASE__";
        var SECRET = "_secret_";

        function failure(type, code, message) {
          return { error: { type: type, code: code, message: message } };
        }

        function confirm(publishableKey, clientSecret) {
          if (typeof clientSecret !== "string" || clientSecret.indexOf(SECRET) < 1) {
            return Promise.resolve(failure("invalid_request_error", "parameter_invalid",
                "The client secret is not a PaymentIntent's client secret."));
          }
          var id = clientSecret.substring(0, clientSecret.indexOf(SECRET));
          return fetch(API + "/_emulator/payment_intents/" + encodeURIComponent(id)
              + "/confirm_with_client_secret", {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: "client_secret=" + encodeURIComponent(clientSecret)
                + "&key=" + encodeURIComponent(publishableKey)
          }).then(function (response) {
            return response.json().then(function (body) {
              if (response.ok) {
                return { paymentIntent: body };
              }
              var error = body.error || {};
              return { error: {
                type: error.type, code: error.code, message: error.message,
                payment_intent: error.payment_intent } };
            });
          }, function () {
            return failure("api_connection_error", null, "Could not reach the Stripe emulator.");
          });
        }

        window.Stripe = function (publishableKey) {
          if (typeof publishableKey !== "string" || publishableKey.indexOf("pk_") !== 0) {
            throw new Error("Stripe(): a publishable key (pk_...) is required.");
          }
          return {
            confirmCardPayment: function (clientSecret, data) {
              return confirm(publishableKey, clientSecret);
            },
            handleNextAction: function (options) {
              return confirm(publishableKey, options && options.clientSecret);
            }
          };
        };
      })();
      """;
}
