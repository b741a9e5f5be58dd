package dev.walletworker.worker.http;

import dev.walletworker.metering.UsageEvent;
import dev.walletworker.metering.UsageGroupCommit;
import dev.walletworker.metering.UsageResult;
import dev.walletworker.worker.WorkerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/usage}: debits a batch of usage events, each with its own result, for the AI
 * API's gateway with a service key. It is served by {@link MeteringApiFilter} (which has checked
 * the key) without Spring MVC: the gateway posts every AI API call here, and MVC's dispatch and
 * content negotiation were a large part of a request's CPU (BENCHMARKS.md, benchmark 9). The rest
 * is the same code as every endpoint's: the body is read by {@link ApiJson}, each event by {@link
 * UsageEvents}, errors have the API's shape ({@link ApiError}, thrown to the filter). Each event's
 * result is counted in {@code wallet.usage.events}, by result.
 */
final class UsageEndpoint {

  private static final Logger log = LoggerFactory.getLogger(UsageEndpoint.class);

  private final UsageGroupCommit commit;
  private final WorkerProperties.Metering metering;
  private final Clock clock;
  private final Map<UsageResult.Status, Counter> results = new EnumMap<>(UsageResult.Status.class);

  UsageEndpoint(
      UsageGroupCommit commit,
      WorkerProperties.Metering metering,
      Clock clock,
      MeterRegistry metrics) {
    this.commit = commit;
    this.metering = metering;
    this.clock = clock;
    for (UsageResult.Status status : UsageResult.Status.values()) {
      results.put(
          status,
          Counter.builder("wallet.usage.events")
              .description("Usage events answered by POST /v1/usage, by result")
              .tag("result", status.code())
              .register(metrics));
    }
  }

  /** Answers a request whose service key was accepted; a refusal is thrown. */
  void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!"POST".equals(request.getMethod())) {
      ApiError.notServed(request, response, "POST");
      return;
    }
    // A number with an exponent inside an event refuses that event only (see UsageEvents).
    Set<String> exponents = new HashSet<>();
    JsonNode root =
        ApiJson.object(ApiJson.body(request, metering.maxBodyBytes()), "events", exponents);
    ApiJson.onlyFields(root, Set.of("events"), "");
    JsonNode events = root.get("events");
    if (events == null || !events.isArray()) {
      throw ApiError.malformed("Request body must be {\"events\": [ … ]}", "events");
    }
    if (events.isEmpty()) {
      throw ApiError.malformed("events is empty: send 1 to " + metering.maxEvents(), "events");
    }
    if (events.size() > metering.maxEvents()) {
      throw ApiError.malformed(
          "events has "
              + events.size()
              + " events; at most "
              + metering.maxEvents()
              + " per request",
          "events");
    }
    UsageResult[] answers = new UsageResult[events.size()];
    List<UsageEvent> valid = new ArrayList<>(events.size());
    List<Integer> positions = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      Object read = UsageEvents.read(events.get(i), exponentsOf(exponents, i), clock);
      if (read instanceof UsageEvent event) {
        valid.add(event);
        positions.add(i);
      } else {
        answers[i] = (UsageResult) read;
      }
    }
    if (!valid.isEmpty()) {
      List<UsageResult> recorded = await(valid);
      for (int k = 0; k < recorded.size(); k++) {
        answers[positions.get(k)] = recorded.get(k);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>(answers.length);
    for (UsageResult answer : answers) {
      results.get(answer.status()).increment();
      rows.add(json(answer));
    }
    ApiJson.write(response, ApiJson.ok(Map.of("results", rows)));
  }

  /** The fields of event {@code i} written with an exponent ({@code events.3.amount} → amount). */
  private static Set<String> exponentsOf(Set<String> exponents, int i) {
    if (exponents.isEmpty()) {
      return Set.of();
    }
    String prefix = "events." + i + ".";
    Set<String> fields = new TreeSet<>();
    for (String path : exponents) {
      if (path.startsWith(prefix)) {
        fields.add(path.substring(prefix.length()));
      }
    }
    return fields;
  }

  /** Waits for the group holding the events to commit; nothing is answered before that. */
  private List<UsageResult> await(List<UsageEvent> events) {
    try {
      return commit.submit(events).get(metering.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("usage not recorded events={}: {}", events.size(), e.toString());
      throw new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          "api_error",
          "Usage could not be recorded right now; send the same events again (their ids make a"
              + " retry safe)",
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          "api_error",
          "Interrupted; send the same events again",
          null);
    }
  }

  private static Map<String, Object> json(UsageResult r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", r.id());
    row.put("status", r.status().code());
    row.put("transaction_id", r.transactionId());
    row.put("amount", ApiJson.shown(r.amount()));
    row.put("balance_after", ApiJson.shown(r.balanceAfter()));
    if (r.error() == null) {
      row.put("error", null);
    } else {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("type", r.error().type());
      error.put("message", r.error().message());
      error.put("param", r.error().param());
      row.put("error", error);
    }
    return row;
  }
}
