package dev.walletworker.stripe.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON answer: its status and body, and whether the connection is to be dropped after the work is
 * done instead of answering (an injected fault).
 */
record ApiResponse(int status, Object body, boolean drop) {

  static ApiResponse ok(Object body) {
    return new ApiResponse(200, body, false);
  }

  /** Stripe's error shape: {@code {"error": {"type", "code", "message", "param"}}}. */
  static ApiResponse error(int status, String type, String code, String message, String param) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", type);
    if (code != null) {
      error.put("code", code);
    }
    error.put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    return new ApiResponse(status, Map.of("error", error), false);
  }

  static ApiResponse notFound(String kind, String id) {
    return error(
        404,
        "invalid_request_error",
        "resource_missing",
        "No such " + kind + ": '" + id + "'",
        "id");
  }

  static ApiResponse unknownControl(String method, String path) {
    return error(
        404,
        "invalid_request_error",
        null,
        "Unknown emulator control " + method + " " + path,
        null);
  }

  static ApiResponse invalid(String code, String message, String param) {
    return error(400, "invalid_request_error", code, message, param);
  }

  /** The same answer, delivered: what an idempotency key replays. */
  ApiResponse delivered() {
    return new ApiResponse(status, body, false);
  }
}
