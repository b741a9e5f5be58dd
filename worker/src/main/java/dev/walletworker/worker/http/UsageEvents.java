package dev.walletworker.worker.http;

import dev.walletworker.Amounts;
import dev.walletworker.Texts;
import dev.walletworker.metering.UsageEvent;
import dev.walletworker.metering.UsageResult;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads one event of {@code POST /v1/usage}: a valid {@link UsageEvent}, or the {@code invalid}
 * result that says which field is wrong. An event is refused on its own; the others go on.
 */
final class UsageEvents {

  /** Token counts below 10^12: more than any request, and far from overflowing a cost. */
  static final long MAX_TOKENS = 999_999_999_999L;

  private static final Set<String> FIELDS =
      Set.of(
          "id",
          "account_id",
          "model",
          "input_tokens",
          "output_tokens",
          "cached_input_tokens",
          "amount",
          "description",
          "timestamp");

  private UsageEvents() {}

  /**
   * The event, or the invalid result naming the field.
   *
   * @param withExponent the event's fields whose number was written with an exponent ({@code 1e3}):
   *     refused, as everywhere in the API, but here as this event's result
   */
  static Object read(JsonNode node, Set<String> withExponent, Clock clock) {
    if (node == null || !node.isObject()) {
      return invalid(null, "each event must be a JSON object", null);
    }
    String id =
        node.get("id") != null && node.get("id").isString() ? node.get("id").asString() : null;
    try {
      for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
        String name = names.next();
        if (!FIELDS.contains(name)) {
          throw new Refusal("unknown field " + name, name);
        }
      }
      for (String field : withExponent) {
        if (FIELDS.contains(field)) {
          throw new Refusal(
              field
                  + " must be a plain number such as "
                  + (field.endsWith("_tokens") ? "1200" : "0.25")
                  + ", without an exponent; got "
                  + Texts.abbreviate(node.get(field).toString()),
              field);
        }
      }
      String eventId = text(node, "id", 255, true);
      String account = text(node, "account_id", 255, true);
      Instant timestamp = timestamp(node.get("timestamp"), clock);
      boolean priced =
          node.has("model")
              || node.has("input_tokens")
              || node.has("output_tokens")
              || node.has("cached_input_tokens");
      if (node.has("amount")) {
        if (priced) {
          throw new Refusal(
              "send either model with input_tokens and output_tokens, or amount, not both",
              "amount");
        }
        BigDecimal amount;
        try {
          amount = ApiJson.money(node.get("amount"), "amount");
          amount = Amounts.requirePositive(amount, "amount");
        } catch (ApiError e) {
          throw new Refusal(e.getMessage(), "amount");
        } catch (dev.walletworker.WalletException e) {
          throw new Refusal(e.getMessage(), "amount");
        }
        return new UsageEvent(
            eventId,
            account,
            amount,
            null,
            0,
            0,
            0,
            text(node, "description", 500, false),
            timestamp);
      }
      if (node.has("description")) {
        throw new Refusal(
            "description goes with amount; a priced event reads \"API usage - MODEL\"",
            "description");
      }
      if (!node.has("model")) {
        throw new Refusal(
            "each event needs model with input_tokens and output_tokens, or amount", "model");
      }
      String model = text(node, "model", 100, true);
      return new UsageEvent(
          eventId,
          account,
          null,
          model,
          tokens(node, "input_tokens", true),
          tokens(node, "output_tokens", true),
          tokens(node, "cached_input_tokens", false),
          null,
          timestamp);
    } catch (Refusal r) {
      return invalid(id, r.getMessage(), r.param);
    }
  }

  private static String text(JsonNode node, String field, int max, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new Refusal(field + " is required", field);
      }
      return null;
    }
    if (!value.isString()) {
      throw new Refusal(field + " must be a string", field);
    }
    try {
      return Texts.clean(value.asString(), field, max, required);
    } catch (dev.walletworker.WalletException e) {
      throw new Refusal(e.getMessage(), field);
    }
  }

  private static long tokens(JsonNode node, String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new Refusal(field + " is required with model", field);
      }
      return 0;
    }
    if (!value.isIntegralNumber()) {
      throw new Refusal(field + " must be a whole number of tokens, such as 1200", field);
    }
    BigDecimal count = value.decimalValue();
    if (count.signum() < 0) {
      throw new Refusal(field + " must not be negative", field);
    }
    if (count.compareTo(BigDecimal.valueOf(MAX_TOKENS)) > 0) {
      throw new Refusal(field + " must be below 1000000000000", field);
    }
    return count.longValueExact();
  }

  private static Instant timestamp(JsonNode value, Clock clock) {
    if (value == null || value.isNull()) {
      return clock.instant();
    }
    if (!value.isString()) {
      throw new Refusal(
          "timestamp must be an ISO-8601 string such as 2026-11-29T10:15:30Z", "timestamp");
    }
    try {
      return OffsetDateTime.parse(value.asString()).toInstant();
    } catch (DateTimeParseException e) {
      throw new Refusal(
          "timestamp must be an ISO-8601 date and time with its offset, such as"
              + " 2026-11-29T10:15:30Z, got '"
              + Texts.abbreviate(value.asString())
              + "'",
          "timestamp");
    }
  }

  private static UsageResult invalid(String id, String message, String param) {
    return new UsageResult(
        id,
        UsageResult.Status.INVALID,
        null,
        null,
        null,
        new UsageResult.Error("invalid_request", message, param));
  }

  private static final class Refusal extends RuntimeException {
    final String param;

    Refusal(String message, String param) {
      super(message, null, false, false);
      this.param = param;
    }
  }
}
