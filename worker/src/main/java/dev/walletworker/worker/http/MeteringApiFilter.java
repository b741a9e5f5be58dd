package dev.walletworker.worker.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * The metering API ({@code /v1/usage}, {@code /v1/holds…}, {@code /v1/accounts/…}), served ahead of
 * the rest of the filter chain. These are the gateway's calls around every AI API call (a usage
 * post, or a hold and its capture), and none of the chain applies to them: no session, no page
 * security, no form content. A profile of benchmark 9 found the chain's filters, each observed by
 * Micrometer, to be most of a request's CPU (BENCHMARKS.md).
 *
 * <p>So this filter checks the service key ({@link ApiAuthFilter}'s own rule), then answers {@code
 * POST /v1/usage} and the holds routes itself ({@link UsageEndpoint}, {@link HoldsEndpoint},
 * without Spring MVC) and hands the balance route straight to Spring MVC's dispatcher (its
 * controller, and {@link ApiErrors} for its errors). As the chain's {@code http.server.requests} no
 * longer sees these requests, each is timed in {@code wallet.metering.requests}, by route and
 * status.
 */
final class MeteringApiFilter extends HttpFilter {

  /** The metering API's paths: every request to one of them is this filter's, and no other's. */
  static final String[] PATTERNS = {
    "/v1/usage", "/v1/usage/*", "/v1/holds", "/v1/holds/*", "/v1/accounts/*"
  };

  private static final Logger log = LoggerFactory.getLogger(MeteringApiFilter.class);

  private final ApiAuthFilter auth;
  private final UsageEndpoint usage;
  private final HoldsEndpoint holds;
  private final Servlet dispatcher;
  private final MeterRegistry metrics;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  MeteringApiFilter(
      ApiAuthFilter auth,
      UsageEndpoint usage,
      HoldsEndpoint holds,
      Servlet dispatcher,
      MeterRegistry metrics) {
    this.auth = auth;
    this.usage = usage;
    this.holds = holds;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long start = System.nanoTime();
    String path = request.getServletPath();
    try {
      ApiError refusal = auth.refusal(request, true);
      if (refusal != null) {
        throw refusal;
      }
      if (path.equals("/v1/usage")) {
        usage.serve(request, response);
      } else if (holds(path)) {
        holds.serve(request, response);
      } else {
        dispatcher.service(request, response);
      }
    } catch (ApiError refused) {
      ApiAuthFilter.write(response, refused);
    } catch (RuntimeException e) {
      log.error("metering request failed: {}", e.toString(), e);
      if (response.isCommitted()) {
        throw e; // the answer has begun: the container ends the connection
      }
      ApiJson.write(
          response,
          ApiJson.error(
              HttpStatus.INTERNAL_SERVER_ERROR,
              "internal_error",
              "Something went wrong on our side; nothing was changed.",
              null));
    }
    String route = route(request.getMethod(), path);
    int status = response.getStatus();
    timers
        .computeIfAbsent(
            route + " " + status,
            key ->
                Timer.builder("wallet.metering.requests")
                    .description("Requests to the metering API, by route and HTTP status")
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .register(metrics))
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /** Whether {@code path} is {@link HoldsEndpoint}'s. */
  private static boolean holds(String path) {
    return path.equals("/v1/holds") || path.startsWith("/v1/holds/");
  }

  /** The route as the OpenAPI document names it; anything else is {@code other}. */
  static String route(String method, String path) {
    String[] parts = path.split("/", -1);
    String shape;
    if (path.equals("/v1/usage")) {
      shape = path;
    } else if (holds(path)) {
      shape = HoldsEndpoint.template(parts); // the holds routes are the endpoint's
    } else if (parts.length == 5
        && path.startsWith("/v1/accounts/")
        && parts[4].equals("balance")) {
      shape = "/v1/accounts/{account_id}/balance";
    } else {
      shape = null;
    }
    if (shape == null) {
      return "other";
    }
    return switch (method) {
      case "GET", "POST" -> method + " " + shape;
      default -> "other";
    };
  }
}
