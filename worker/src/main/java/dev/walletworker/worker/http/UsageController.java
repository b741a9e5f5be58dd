package dev.walletworker.worker.http;

import dev.walletworker.account.AccountView;
import dev.walletworker.account.Accounts;
import dev.walletworker.metering.UsageEvent;
import dev.walletworker.metering.UsageGroupCommit;
import dev.walletworker.metering.UsageResult;
import dev.walletworker.worker.WorkerProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The metering API, for the AI API's gateway with a service key: {@code POST /v1/usage} debits a
 * batch of usage events, each with its own result, and {@code GET /v1/accounts/{id}/balance} is the
 * gateway's pre-check.
 */
@RestController
class UsageController {

  private static final Logger log = LoggerFactory.getLogger(UsageController.class);

  private final UsageGroupCommit commit;
  private final Accounts accounts;
  private final WorkerProperties.Metering metering;
  private final Clock clock;

  UsageController(
      UsageGroupCommit commit, Accounts accounts, WorkerProperties properties, Clock clock) {
    this.commit = commit;
    this.accounts = accounts;
    this.metering = properties.metering();
    this.clock = clock;
  }

  @PostMapping("/v1/usage")
  ResponseEntity<String> post(HttpServletRequest request) throws IOException {
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
    UsageResult[] results = new UsageResult[events.size()];
    List<UsageEvent> valid = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      String prefix = "events." + i + ".";
      Set<String> withExponent =
          exponents.stream()
              .filter(path -> path.startsWith(prefix))
              .map(path -> path.substring(prefix.length()))
              .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
      Object read = UsageEvents.read(events.get(i), withExponent, clock);
      if (read instanceof UsageEvent event) {
        valid.add(event);
        positions.add(i);
      } else {
        results[i] = (UsageResult) read;
      }
    }
    if (!valid.isEmpty()) {
      List<UsageResult> recorded = await(valid);
      for (int k = 0; k < recorded.size(); k++) {
        results[positions.get(k)] = recorded.get(k);
      }
    }
    return ApiJson.ok(
        Map.of("results", List.of(results).stream().map(UsageController::json).toList()));
  }

  @GetMapping("/v1/accounts/{accountId}/balance")
  ResponseEntity<String> balance(@PathVariable String accountId) {
    AccountView view = accounts.get(accountId);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("account_id", view.account().id());
    body.put("balance", ApiJson.shown(view.wallet().balance()));
    // What usage and new holds may spend: the balance less active holds.
    body.put("available", ApiJson.shown(view.wallet().available()));
    body.put("held", ApiJson.shown(view.wallet().held()));
    body.put("currency", view.wallet().currency());
    body.put("status", view.account().status().name().toLowerCase(java.util.Locale.ROOT));
    body.put("blocked_reason", view.account().blockedReason());
    return ApiJson.ok(body);
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
