package dev.walletworker.worker.http;

import org.springframework.http.HttpStatus;

/** A request the API refuses, with the status and the JSON error it answers. */
final class ApiError extends RuntimeException {

  final HttpStatus status;
  final String type;
  final String param;

  ApiError(HttpStatus status, String type, String message, String param) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  static ApiError malformed(String message, String param) {
    return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", message, param);
  }

  static ApiError invalid(String message, String param) {
    return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_value", message, param);
  }
}
