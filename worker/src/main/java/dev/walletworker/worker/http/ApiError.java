package dev.walletworker.worker.http;

import dev.walletworker.ErrorType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;

/**
 * A request the API refuses, with the status and the JSON error it answers. A mistake in the input
 * has the type the CLI gives the same mistake ({@link ErrorType}'s codes: {@code invalid_request},
 * {@code invalid_amount}, …); the status says whether the body could not be read as the endpoint's
 * shape (400) or holds a value out of range (422).
 */
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

  /** 400: not JSON, not the endpoint's shape, a value of the wrong type. */
  static ApiError malformed(String message, String param) {
    return new ApiError(HttpStatus.BAD_REQUEST, ErrorType.INVALID_REQUEST.code(), message, param);
  }

  /** 405: the endpoint does not answer this method. */
  static ApiError methodNotAllowed(String method) {
    return new ApiError(
        HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", method + " is not allowed here", null);
  }

  /**
   * A method the route does not serve: OPTIONS is answered (empty, with {@code Allow}, as Spring
   * MVC answered it), anything else is refused with 405 and {@code Allow}.
   *
   * @param allow the route's methods, as {@code Allow} lists them
   */
  static void notServed(HttpServletRequest request, HttpServletResponse response, String allow) {
    String asked = request.getMethod();
    boolean options = asked.equals("OPTIONS");
    response.setHeader("Allow", options ? allow + ",OPTIONS" : allow);
    if (!options) {
      throw methodNotAllowed(asked);
    }
  }

  /** 400: an amount that is not a plain JSON number (a string, an exponent). */
  static ApiError malformedAmount(String message, String param) {
    return new ApiError(HttpStatus.BAD_REQUEST, ErrorType.INVALID_AMOUNT.code(), message, param);
  }
}
