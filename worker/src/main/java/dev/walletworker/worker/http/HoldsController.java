package dev.walletworker.worker.http;

import dev.walletworker.holds.Hold;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.HoldTransfers.Actual;
import dev.walletworker.holds.HoldTransfers.Captured;
import dev.walletworker.holds.HoldTransfers.Created;
import dev.walletworker.holds.HoldTransfers.NewHold;
import dev.walletworker.worker.WorkerProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Holds, for the AI API's gateway with a service key: reserve a request's worst case before the
 * model is called ({@code POST /v1/holds}), capture the actual cost after ({@code …/capture}),
 * release it ({@code …/release}) or let it expire. See {@link HoldTransfers} for the rules.
 */
@RestController
class HoldsController {

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

  HoldsController(HoldTransfers transfers, WorkerProperties properties) {
    this.transfers = transfers;
    this.maxBodyBytes = properties.metering().maxBodyBytes();
  }

  @PostMapping("/v1/holds")
  ResponseEntity<String> create(HttpServletRequest request) throws IOException {
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

  @PostMapping("/v1/holds/{hold_id}/capture")
  ResponseEntity<String> capture(@PathVariable("hold_id") String holdId, HttpServletRequest request)
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

  @PostMapping("/v1/holds/{hold_id}/release")
  ResponseEntity<String> release(@PathVariable("hold_id") String holdId, HttpServletRequest request)
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

  @GetMapping("/v1/holds/{hold_id}")
  ResponseEntity<String> get(@PathVariable("hold_id") String holdId) {
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
