package dev.walletworker.worker.http;

import dev.walletworker.WalletException;
import dev.walletworker.holds.Hold;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.HoldTransfers.Actual;
import dev.walletworker.holds.HoldTransfers.Captured;
import dev.walletworker.holds.HoldTransfers.Created;
import dev.walletworker.holds.HoldTransfers.NewHold;
import dev.walletworker.worker.WorkerProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/**
 * Holds, for the AI API's gateway with a service key: reserve a request's worst case before the
 * model is called ({@code POST /v1/holds}), capture the actual cost after ({@code …/capture}),
 * release it ({@code …/release}) or let it expire; {@code GET /v1/holds/{hold_id}}. See {@link
 * HoldTransfers} for the rules.
 *
 * <p>Served by {@link MeteringApiFilter} (which has checked the key) without Spring MVC, as {@code
 * POST /v1/usage} is: a gateway that holds first makes two of these calls around every AI API call,
 * and MVC's dispatch was most of their CPU (BENCHMARKS.md, benchmark 10). Errors have the API's
 * shape: {@link ApiError}s are thrown to the filter, refusals of the domain are answered as {@link
 * ApiErrors} answers them.
 */
final class HoldsEndpoint {

  /**
   * The routes served: {@link #serve} matches a path against them, and the OpenAPI test checks the
   * document describes each.
   */
  static final List<String> ROUTES =
      List.of(
          "POST /v1/holds",
          "GET /v1/holds/{hold_id}",
          "POST /v1/holds/{hold_id}/capture",
          "POST /v1/holds/{hold_id}/release");

  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "id",
          "account_id",
          "model",
          "max_input_tokens",
          "max_output_tokens",
          "amount",
          "expires_in");
  private static final Set<String> CAPTURE_FIELDS =
      Set.of("account_id", "input_tokens", "output_tokens", "cached_input_tokens", "amount");

  private final HoldTransfers transfers;
  private final int maxBodyBytes;

  HoldsEndpoint(HoldTransfers transfers, WorkerProperties.Metering metering) {
    this.transfers = transfers;
    this.maxBodyBytes = metering.maxBodyBytes();
  }

  /**
   * Answers a request to {@code /v1/holds} or below it whose service key was accepted: the {@link
   * #ROUTES}, HEAD with GET and OPTIONS with the route's methods (as Spring MVC did), 405 with
   * {@code Allow} for another method on one of them, 404 for any other path.
   */
  void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getServletPath();
    String[] parts = path.split("/", -1); // "", "v1", "holds", hold id, action
    // The container folds "//" in the servlet path; Spring MVC matched the path as sent.
    String template = request.getRequestURI().contains("//") ? null : template(parts);
    ResponseEntity<String> answer;
    try {
      if (template == null) {
        answer = ApiErrors.noSuchEndpoint(path.substring(1));
      } else {
        String asked = request.getMethod();
        String route = (asked.equals("HEAD") ? "GET" : asked) + " " + template;
        if (!ROUTES.contains(route)) {
          ApiError.notServed(
              request, response, ROUTES.contains("GET " + template) ? "GET,HEAD" : "POST");
          return;
        }
        answer =
            switch (route) {
              case "POST /v1/holds" -> create(request);
              case "GET /v1/holds/{hold_id}" -> get(parts[3]);
              case "POST /v1/holds/{hold_id}/capture" -> capture(parts[3], request);
              case "POST /v1/holds/{hold_id}/release" -> release(parts[3], request);
              default -> throw new IllegalStateException("no handler for " + route);
            };
      }
    } catch (WalletException refused) {
      answer = ApiErrors.refusal(refused);
    }
    ApiJson.write(response, answer);
  }

  /**
   * The path's route template among {@link #ROUTES} ({hold_id}: one non-empty segment), or null;
   * also the route the metering filter times a request under.
   */
  static String template(String[] parts) {
    for (String route : ROUTES) {
      String[] pattern = route.substring(route.indexOf(' ') + 1).split("/", -1);
      boolean matches = pattern.length == parts.length;
      for (int i = 0; matches && i < parts.length; i++) {
        matches =
            pattern[i].equals("{hold_id}") ? !parts[i].isEmpty() : pattern[i].equals(parts[i]);
      }
      if (matches) {
        return route.substring(route.indexOf(' ') + 1);
      }
    }
    return null;
  }

  private ResponseEntity<String> create(HttpServletRequest request) throws IOException {
    JsonNode body = ApiJson.object(ApiJson.body(request, maxBodyBytes));
    ApiJson.onlyFields(body, CREATE_FIELDS, "");
    Long expiresIn = whole(body.get("expires_in"), "expires_in");
    Created created =
        transfers.hold(
            new NewHold(
                required(body, "id"),
                required(body, "account_id"),
                ApiJson.text(body.get("model"), "model"),
                whole(body.get("max_input_tokens"), "max_input_tokens"),
                whole(body.get("max_output_tokens"), "max_output_tokens"),
                ApiJson.money(body.get("amount"), "amount"),
                expiresIn == null ? null : Duration.ofSeconds(expiresIn)));
    Map<String, Object> json = json(created.hold());
    json.put("available_after", ApiJson.shown(created.available()));
    json.put("held", ApiJson.shown(created.held()));
    return ApiJson.respond(created.replay() ? HttpStatus.OK : HttpStatus.CREATED, json);
  }

  private ResponseEntity<String> capture(String holdId, HttpServletRequest request)
      throws IOException {
    JsonNode body = ApiJson.object(ApiJson.body(request, maxBodyBytes));
    ApiJson.onlyFields(body, CAPTURE_FIELDS, "");
    Captured captured =
        transfers.capture(
            holdId,
            ApiJson.text(body.get("account_id"), "account_id"),
            new Actual(
                whole(body.get("input_tokens"), "input_tokens"),
                whole(body.get("output_tokens"), "output_tokens"),
                whole(body.get("cached_input_tokens"), "cached_input_tokens"),
                ApiJson.money(body.get("amount"), "amount")));
    Map<String, Object> json = json(captured.hold());
    // The capture's own amount first: what was posted, not what was held.
    json.put("held_amount", json.get("amount"));
    json.put("amount", ApiJson.shown(captured.amount()));
    json.put("transaction_id", captured.transactionId());
    json.put("balance_after", ApiJson.shown(captured.balanceAfter()));
    return ApiJson.ok(json);
  }

  private ResponseEntity<String> release(String holdId, HttpServletRequest request)
      throws IOException {
    String accountId = null;
    // A release needs no body; one that is sent must be JSON (415 otherwise, as on every other
    // endpoint: ignoring it would drop its account_id unchecked) and may only name the account.
    // A body of unknown length without a type is one only if it has a byte.
    long length = request.getContentLengthLong();
    if (length > 0
        || (length < 0
            && (request.getContentType() != null || request.getInputStream().read() != -1))) {
      JsonNode body = ApiJson.object(ApiJson.body(request, maxBodyBytes));
      ApiJson.onlyFields(body, Set.of("account_id"), "");
      accountId = ApiJson.text(body.get("account_id"), "account_id");
    }
    return ApiJson.ok(json(transfers.release(holdId, accountId)));
  }

  private ResponseEntity<String> get(String holdId) {
    return ApiJson.ok(json(transfers.get(holdId, null)));
  }

  private static String required(JsonNode body, String field) {
    String value = ApiJson.text(body.get(field), field);
    if (value == null) {
      throw ApiError.malformed(field + " is required", field);
    }
    return value;
  }

  /** A whole number (tokens, seconds), or null when absent; its range is the domain's to check. */
  private static Long whole(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber()) {
      throw ApiError.malformed(field + " must be a whole number such as 1200", field);
    }
    BigDecimal value = node.decimalValue();
    if (value.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000_000L)) >= 0) {
      throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          "invalid_request",
          field + " is far out of range: " + value.toPlainString().length() + " digits",
          field);
    }
    return value.longValueExact();
  }

  private static Map<String, Object> json(Hold hold) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("hold_id", hold.id());
    json.put("id", hold.requestId());
    json.put("account_id", hold.accountId());
    json.put("status", hold.status().code());
    json.put("amount", ApiJson.shown(hold.amount()));
    json.put("model", hold.model());
    json.put("price_id", hold.priceId());
    json.put("max_input_tokens", hold.maxInputTokens());
    json.put("max_output_tokens", hold.maxOutputTokens());
    json.put("created_at", text(hold.createdAt()));
    json.put("expires_at", text(hold.expiresAt()));
    json.put("settled_at", text(hold.settledAt()));
    json.put("expired_at", text(hold.expiredAt()));
    json.put("captured_amount", ApiJson.shown(hold.capturedAmount()));
    json.put("transaction_id", hold.transactionId());
    return json;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
