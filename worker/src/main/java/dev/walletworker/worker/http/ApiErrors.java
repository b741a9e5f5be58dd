package dev.walletworker.worker.http;

import dev.walletworker.WalletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error as {@code {"error": {"type", "message", "param"}}} with the right status. */
@RestControllerAdvice
class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(ApiError.class)
  ResponseEntity<String> api(ApiError e) {
    return ApiJson.error(e.status, e.type, e.getMessage(), e.param);
  }

  @ExceptionHandler(WalletException.class)
  ResponseEntity<String> wallet(WalletException e) {
    return refusal(e);
  }

  /** A refusal of the domain, with its status (also for endpoints served without Spring MVC). */
  static ResponseEntity<String> refusal(WalletException e) {
    HttpStatus status =
        switch (e.type()) {
          case ACCOUNT_NOT_FOUND, HOLD_NOT_FOUND -> HttpStatus.NOT_FOUND;
          // A released hold captured, a captured one released: the hold's state forbids it.
          case HOLD_SETTLED -> HttpStatus.CONFLICT;
          default -> HttpStatus.UNPROCESSABLE_ENTITY;
        };
    return ApiJson.error(status, e.type().code(), e.getMessage(), e.param());
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<String> method(HttpRequestMethodNotSupportedException e) {
    return api(ApiError.methodNotAllowed(e.getMethod()));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<String> mediaType(HttpMediaTypeNotSupportedException e) {
    return ApiJson.error(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Send the body as Content-Type: application/json",
        null);
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<String> notFound(NoResourceFoundException e) {
    return noSuchEndpoint(e.getResourcePath());
  }

  static ResponseEntity<String> noSuchEndpoint(String path) {
    return ApiJson.error(HttpStatus.NOT_FOUND, "not_found", "No such endpoint: " + path, null);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<String> unexpected(Exception e) {
    log.error("api request failed: {}", e.toString(), e);
    return ApiJson.error(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "internal_error",
        "Something went wrong on our side; nothing was changed.",
        null);
  }
}
