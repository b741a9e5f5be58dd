package dev.walletworker.worker.http;

import dev.walletworker.Amounts;
import dev.walletworker.Texts;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Strict JSON in, the product's JSON out. A body is one JSON object with each field once (a proxy
 * that reads the first of two values must not see another request than we do), numbers in plain
 * decimal notation (as the CLI and the README require: no exponent, no NaN), no unknown fields;
 * numbers are read exactly.
 */
final class ApiJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Also checked, with the field's name, by strict() before the tree is read.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  // strict()'s own reader: it finds a duplicate itself, to name the field in the error.
  private static final JsonMapper SCANNER =
      MAPPER.rebuild().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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

  /** The request's one JSON object, strictly read (see the class comment). */
  static JsonNode object(String body) {
    return object(body, null, null);
  }

  /**
   * As {@link #object(String)}, except that a number written with an exponent at or under the field
   * {@code itemized} (such as {@code events}) is not refused here: its path ({@code
   * events.3.amount}) is added to {@code exponents}, for the caller to refuse that item alone, so
   * that one bad item of a batch does not refuse the others.
   */
  static JsonNode object(String body, String itemized, Set<String> exponents) {
    JsonNode root;
    try {
      strict(body, itemized, exponents);
      root = MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw ApiError.malformed("Request body is not valid JSON: " + e.getOriginalMessage(), null);
    }
    if (root == null || !root.isObject()) {
      throw ApiError.malformed("Request body must be a JSON object", null);
    }
    return root;
  }

  /**
   * Reads every token once, before the tree: a field given twice, or a number written with an
   * exponent ({@code 1e1}, {@code 2.5E+0}), is refused naming the field. Jackson alone would keep
   * the last of two values, and read {@code 1e1} as 10.
   */
  private static void strict(String body, String itemized, Set<String> exponents) {
    Deque<Set<String>> objects = new ArrayDeque<>();
    try (JsonParser parser = SCANNER.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        switch (token) {
          case START_OBJECT -> objects.push(new HashSet<>());
          case END_OBJECT -> objects.pop();
          case PROPERTY_NAME -> {
            if (!objects.peek().add(parser.currentName())) {
              String field = path(parser.streamReadContext());
              throw ApiError.malformed(
                  "Field " + field + " is given more than once; send each field once", field);
            }
          }
          case VALUE_NUMBER_FLOAT -> {
            String text = parser.getString();
            if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
              String field = path(parser.streamReadContext());
              if (itemized != null
                  && (field.equals(itemized) || field.startsWith(itemized + "."))) {
                exponents.add(field);
                continue;
              }
              throw ApiError.malformedAmount(
                  field
                      + " must be a plain decimal number such as 25.50, without an exponent; got "
                      + Texts.abbreviate(text),
                  field);
            }
          }
          default -> {}
        }
      }
    }
  }

  /** {@code spending_limit.monthly_limit}: the field a token belongs to, as params name it. */
  private static String path(TokenStreamContext context) {
    Deque<String> names = new ArrayDeque<>();
    for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.currentName() != null) {
        names.push(c.currentName());
      } else if (c.inArray()) {
        names.push(String.valueOf(c.getCurrentIndex()));
      }
    }
    return Texts.abbreviate(String.join(".", names));
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
      throw ApiError.malformedAmount(param + " must be a number such as 25.00", param);
    }
    // The range rules are the CLI's (decimals, the largest amount): 422 invalid_amount, as the
    // API answers every WalletException that is not a missing account.
    return Amounts.checkRange(node.decimalValue(), param);
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

  /** Writes an answer straight to the servlet response (outside Spring MVC), with its length. */
  static void write(
      jakarta.servlet.http.HttpServletResponse response, ResponseEntity<String> entity)
      throws java.io.IOException {
    byte[] bytes = entity.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    response.setStatus(entity.getStatusCode().value());
    response.setContentType("application/json");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  static ResponseEntity<String> respond(HttpStatus status, Object body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return new ResponseEntity<>(MAPPER.writeValueAsString(body), headers, status);
  }
}
