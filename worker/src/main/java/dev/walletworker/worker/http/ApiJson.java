package dev.walletworker.worker.http;

import dev.walletworker.Amounts;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Strict JSON in (exact decimals, no unknown fields, no NaN), the product's JSON out. */
final class ApiJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  private ApiJson() {}

  /**
   * The request's body as text: refused unless it is {@code application/json} (415) and at most
   * {@code maxBytes} long (413; checked again here for a body sent without a length).
   */
  static String body(jakarta.servlet.http.HttpServletRequest request, int maxBytes)
      throws java.io.IOException {
    MediaType type;
    try {
      type =
          request.getContentType() == null
              ? null
              : MediaType.parseMediaType(request.getContentType());
    } catch (RuntimeException e) {
      type = null;
    }
    if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
      throw new ApiError(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "Send the body as Content-Type: application/json",
          null);
    }
    try (java.io.InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new ApiError(
            HttpStatus.CONTENT_TOO_LARGE,
            "request_too_large",
            "Request body is larger than " + maxBytes + " bytes",
            null);
      }
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** The request's one JSON object, holding exactly one key {@code wrapper} if given. */
  static JsonNode object(String body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw ApiError.malformed("Request body is not valid JSON: " + e.getOriginalMessage(), null);
    }
    if (root == null || !root.isObject()) {
      throw ApiError.malformed("Request body must be a JSON object", null);
    }
    return root;
  }

  /** Refuses fields this endpoint does not know (a typo must not be silently ignored). */
  static void onlyFields(JsonNode object, Set<String> allowed, String prefix) {
    for (Iterator<String> names = object.propertyNames().iterator(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiError.malformed(
            "Unknown field " + prefix + name + "; expected " + String.join(", ", allowed),
            prefix + name);
      }
    }
  }

  static BigDecimal money(JsonNode node, String param) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw ApiError.malformed(param + " must be a number such as 25.00", param);
    }
    BigDecimal value = node.decimalValue();
    if (value.stripTrailingZeros().scale() > Amounts.SCALE) {
      throw ApiError.invalid(param + " has more than " + Amounts.SCALE + " decimal places", param);
    }
    if (value.abs().compareTo(Amounts.MAX) > 0) {
      throw ApiError.invalid(param + " must be at most " + Amounts.MAX.toPlainString(), param);
    }
    return value;
  }

  static Boolean bool(JsonNode node, String param) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isBoolean()) {
      throw ApiError.malformed(param + " must be true or false", param);
    }
    return node.booleanValue();
  }

  static String text(JsonNode node, String param) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw ApiError.malformed(param + " must be a string", param);
    }
    return node.asString();
  }

  static BigDecimal shown(BigDecimal amount) {
    return amount == null ? null : Amounts.display(amount);
  }

  static ResponseEntity<String> ok(Object body) {
    return respond(HttpStatus.OK, body);
  }

  static ResponseEntity<String> error(
      HttpStatus status, String type, String message, String param) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", type);
    error.put("message", message);
    error.put("param", param);
    return respond(status, Map.of("error", error));
  }

  static ResponseEntity<String> respond(HttpStatus status, Object body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return new ResponseEntity<>(MAPPER.writeValueAsString(body), headers, status);
  }
}
