package dev.walletworker.stripe.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Stripe API on loopback that stripe-java talks to unchanged (point its API base here). It keeps
 * customers, payment intents and checkout sessions in memory; Stripe's test payment methods behave
 * as in test mode; idempotency keys follow Stripe's rules; events are delivered, signed, to a
 * webhook URL; {@link #faults()} injects latency, errors, rate limits and dropped connections; and
 * {@link #charges()} is the ledger of what was charged.
 *
 * <p>Its own controls live under {@code /_emulator/} (see {@link #main}).
 */
public final class StripeEmulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StripeEmulator.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int RECEIVED_KEPT = 100_000;
  private static final Pattern METADATA_QUERY =
      Pattern.compile("metadata\\['([^']+)'\\]\\s*:\\s*'([^']*)'");

  private final HttpServer server;
  private final ExecutorService handlers;
  private final ExecutorService webhooks =
      Executors.newSingleThreadExecutor(r -> daemon(r, "stripe-emulator-webhooks"));
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Faults faults = new Faults();
  private final Object lock = new Object();
  private final Map<String, Map<String, Object>> customers = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> paymentIntents = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> sessions = new ConcurrentHashMap<>();
  private final Map<String, Saved> idempotency = new ConcurrentHashMap<>();
  private final List<Charge> charges = new ArrayList<>();
  private final Map<String, Map<String, Object>> events = new LinkedHashMap<>();
  private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
  private volatile String webhookUrl;
  private volatile String webhookSecret;
  // Events carry the API version the client asked for, as an account pinned to it would get.
  private volatile String apiVersion = "2026-07-29.dahlia";
  private long rateWindow;
  private int rateCount;
  private int rateLimited;
  private final java.util.concurrent.atomic.AtomicInteger apiRequests =
      new java.util.concurrent.atomic.AtomicInteger();
  private final ArrayDeque<ReceivedRequest> received = new ArrayDeque<>();

  private record Saved(String fingerprint, Response response) {}

  private record Response(int status, Object body, boolean drop) {
    static Response ok(Object body) {
      return new Response(200, body, false);
    }
  }

  private StripeEmulator(HttpServer server, ExecutorService handlers) {
    this.server = server;
    this.handlers = handlers;
  }

  /** Starts on {@code 127.0.0.1:port} (0 picks a free port). */
  public static StripeEmulator start(int port) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
      // A thread per request in flight: requests sleep through injected latency, and Stripe's
      // capacity is its rate limit, never a pool of ours.
      ExecutorService handlers = Executors.newCachedThreadPool(r -> daemon(r, "stripe-emulator"));
      StripeEmulator emulator = new StripeEmulator(server, handlers);
      server.createContext("/", emulator::handle);
      server.setExecutor(handlers);
      server.start();
      log.info("stripe emulator listening on {}", emulator.apiBase());
      return emulator;
    } catch (IOException e) {
      throw new IllegalStateException("could not start the Stripe emulator on port " + port, e);
    }
  }

  /**
   * Runs the emulator on its own: {@code java -cp … StripeEmulator [port]}. Controls: {@code POST
   * /_emulator/webhook {"url","secret"}}, {@code POST /_emulator/faults {"latency_ms",
   * "fail_next","fail_status","rate_limit_per_second","drop_after_charge_next"}}, {@code GET
   * /_emulator/charges}, {@code POST /_emulator/checkout/ID/complete}, {@code POST
   * /_emulator/payment_intents/ID/authenticate}, {@code GET /_emulator/events}, {@code POST
   * /_emulator/events/ID/resend}.
   */
  public static void main(String[] args) throws InterruptedException {
    StripeEmulator emulator = start(args.length > 0 ? Integer.parseInt(args[0]) : 12111);
    String url = System.getenv("STRIPE_EMULATOR_WEBHOOK_URL");
    if (url != null && !url.isBlank()) {
      emulator.webhook(url, System.getenv("STRIPE_WEBHOOK_SECRET"));
    }
    Thread.currentThread().join();
  }

  public String apiBase() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public Faults faults() {
    return faults;
  }

  /** Where events go, and the secret that signs them ({@code whsec_…}). */
  public StripeEmulator webhook(String url, String secret) {
    this.webhookUrl = url;
    this.webhookSecret = secret;
    return this;
  }

  /** Every successful charge so far, oldest first. */
  public List<Charge> charges() {
    synchronized (lock) {
      return List.copyOf(charges);
    }
  }

  /** API requests received so far (before any fault is applied). */
  public int apiRequests() {
    return apiRequests.get();
  }

  /**
   * The API requests received so far, oldest first (the latest {@value #RECEIVED_KEPT} are kept),
   * each with the time it arrived, before any latency or fault was applied.
   */
  public List<ReceivedRequest> requests() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** How many API requests were refused with 429 by the rate limit. */
  public int rateLimitedRequests() {
    synchronized (lock) {
      return rateLimited;
    }
  }

  public Optional<Map<String, Object>> paymentIntent(String id) {
    return Optional.ofNullable(paymentIntents.get(id));
  }

  /** Events so far (type, object), oldest first. */
  public List<Map<String, Object>> events() {
    synchronized (lock) {
      return List.copyOf(events.values());
    }
  }

  /** How many times {@code eventId} reached the webhook with a 2xx answer. */
  public int deliveries(String eventId) {
    return deliveries.getOrDefault(eventId, 0);
  }

  /** A customer, as the product's sign-up would create through the API. */
  public String createCustomer(String email) {
    synchronized (lock) {
      return (String) ((Map<?, ?>) createCustomer(Map.of("email", email)).body()).get("id");
    }
  }

  /** The customer completes Checkout: paid, charged, {@code checkout.session.completed} sent. */
  public Map<String, Object> completeCheckout(String sessionId) {
    return completeCheckout(sessionId, null, 0, false);
  }

  /**
   * The customer completes Checkout in their own currency, as Stripe's Adaptive Pricing presents
   * it: charged {@code presentedMinor} of {@code presentedCurrency}. With {@code legacyFormat} the
   * session reports it as API versions before 2025-03-31 do ({@code currency} and {@code
   * amount_total} in the buyer's currency, the original in {@code currency_conversion}); otherwise
   * as later ones do (the original stays in {@code currency}, the buyer's in {@code
   * presentment_details}).
   */
  public Map<String, Object> completeCheckoutPresentedIn(
      String sessionId, String presentedCurrency, long presentedMinor, boolean legacyFormat) {
    return completeCheckout(sessionId, presentedCurrency, presentedMinor, legacyFormat);
  }

  private Map<String, Object> completeCheckout(
      String sessionId, String presentedCurrency, long presentedMinor, boolean legacyFormat) {
    synchronized (lock) {
      Map<String, Object> session = sessions.get(sessionId);
      if (session == null) {
        throw new IllegalArgumentException("no checkout session " + sessionId);
      }
      if ("open".equals(session.get("status"))) {
        @SuppressWarnings("unchecked")
        Map<String, String> metadata = (Map<String, String>) session.get("metadata");
        long total = (long) session.get("amount_total");
        String currency = (String) session.get("currency");
        boolean presented = presentedCurrency != null;
        Map<String, Object> pi =
            newPaymentIntent(
                presented ? presentedMinor : total,
                presented ? presentedCurrency : currency,
                (String) session.get("customer"),
                "pm_card_visa",
                metadata);
        succeed(pi);
        if (presented && legacyFormat) {
          Map<String, Object> conversion = new LinkedHashMap<>();
          conversion.put("amount_subtotal", total);
          conversion.put("amount_total", total);
          conversion.put("fx_rate", String.valueOf((double) presentedMinor / total));
          conversion.put("source_currency", currency);
          session.put("currency_conversion", conversion);
          session.put("currency", presentedCurrency);
          session.put("amount_total", presentedMinor);
        } else if (presented) {
          session.put(
              "presentment_details",
              Map.of(
                  "presentment_amount", presentedMinor, "presentment_currency", presentedCurrency));
        }
        session.put("status", "complete");
        session.put("payment_status", "paid");
        session.put("payment_intent", pi.get("id"));
        emit("checkout.session.completed", session);
      }
      return session;
    }
  }

  /** The session's 24 hours pass unpaid: {@code checkout.session.expired} sent. */
  public Map<String, Object> expireCheckout(String sessionId) {
    synchronized (lock) {
      Map<String, Object> session = sessions.get(sessionId);
      if (session == null) {
        throw new IllegalArgumentException("no checkout session " + sessionId);
      }
      if ("open".equals(session.get("status"))) {
        session.put("status", "expired");
        emit("checkout.session.expired", session);
      }
      return session;
    }
  }

  /** A Checkout Session the emulator created, as Stripe would return it. */
  public Optional<Map<String, Object>> checkoutSession(String id) {
    return Optional.ofNullable(sessions.get(id));
  }

  /** The customer authenticates a payment that needed it: it succeeds and is charged. */
  public Map<String, Object> authenticate(String paymentIntentId) {
    synchronized (lock) {
      Map<String, Object> pi = paymentIntents.get(paymentIntentId);
      if (pi == null) {
        throw new IllegalArgumentException("no payment intent " + paymentIntentId);
      }
      if (!"succeeded".equals(pi.get("status"))) {
        pi.put("last_payment_error", null);
        succeed(pi);
        emit("payment_intent.succeeded", pi);
      }
      return pi;
    }
  }

  /** Delivers an event (again) to the webhook now; returns the HTTP status, or -1. */
  public int deliver(String eventId) {
    Map<String, Object> event;
    synchronized (lock) {
      event = events.get(eventId);
    }
    if (event == null) {
      throw new IllegalArgumentException("no event " + eventId);
    }
    return post(event);
  }

  /** Forgets everything but the webhook. */
  public void reset() {
    synchronized (lock) {
      customers.clear();
      paymentIntents.clear();
      sessions.clear();
      idempotency.clear();
      charges.clear();
      events.clear();
      deliveries.clear();
      rateLimited = 0;
      synchronized (received) {
        received.clear();
      }
      faults.reset();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    webhooks.shutdownNow();
  }

  // --- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      String body = read(exchange.getRequestBody());
      if (path.startsWith("/_emulator/")) {
        Response response = control(method, path, body);
        send(exchange, response);
        return;
      }
      apiRequests.incrementAndGet();
      receive(exchange, method, path, body);
      sleep(faults.latency);
      if (overRateLimit()) {
        send(
            exchange,
            error(
                429,
                "rate_limit_error",
                "rate_limit",
                "Too many requests hit the API too quickly.",
                null));
        return;
      }
      if (faults.failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        send(
            exchange,
            error(
                faults.failStatus,
                "api_error",
                null,
                "An unknown error occurred (injected).",
                null));
        return;
      }
      String version = exchange.getRequestHeaders().getFirst("Stripe-Version");
      if (version != null) {
        apiVersion = version;
      }
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer sk_")) {
        send(
            exchange, error(401, "invalid_request_error", null, "Invalid API Key provided.", null));
        return;
      }
      Map<String, String> params =
          method.equals("GET")
              ? query(exchange.getRequestURI().getRawQuery())
              : FormParams.flat(body);
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      Response response;
      if (key != null && method.equals("POST")) {
        String fingerprint = method + " " + path + " " + params;
        synchronized (idempotency) {
          Saved saved = idempotency.get(key);
          if (saved == null) {
            response = route(method, path, params);
            idempotency.put(
                key,
                new Saved(fingerprint, new Response(response.status(), response.body(), false)));
          } else if (!saved.fingerprint().equals(fingerprint)) {
            response =
                error(
                    400,
                    "idempotency_error",
                    null,
                    "Keys for idempotent requests can only be used with the same parameters they were"
                        + " first used with. Try using a key other than '"
                        + key
                        + "' if you meant to"
                        + " execute a different request.",
                    null);
          } else {
            exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
            response = saved.response();
          }
        }
      } else {
        response = route(method, path, params);
      }
      if (response.drop()) {
        // The charge is recorded and its response saved; the client gets half a response and a
        // closed connection, as when the network fails on the way back.
        log.info("stripe emulator dropped the connection after a charge ({})", path);
        byte[] bytes = JSON.writeValueAsBytes(response.body());
        exchange.sendResponseHeaders(200, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        try {
          out.close();
        } catch (IOException expected) {
          // "insufficient bytes written": the server closes the connection, which is the point.
        }
        return;
      }
      send(exchange, response);
    } catch (RuntimeException e) {
      log.warn("stripe emulator error: {}", e.toString());
      send(exchange, error(500, "api_error", null, "Emulator error: " + e.getMessage(), null));
    }
  }

  private Response route(String method, String path, Map<String, String> params) {
    String[] parts = path.substring(1).split("/");
    synchronized (lock) {
      if (method.equals("POST") && path.equals("/v1/customers")) {
        return createCustomer(params);
      }
      if (method.equals("GET") && parts.length == 3 && parts[1].equals("customers")) {
        return found(customers.get(parts[2]), "customer", parts[2]);
      }
      if (method.equals("POST") && path.equals("/v1/payment_intents")) {
        return createPaymentIntent(params);
      }
      if (method.equals("GET") && path.equals("/v1/payment_intents/search")) {
        return searchPaymentIntents(params.getOrDefault("query", ""));
      }
      if (method.equals("GET") && parts.length == 3 && parts[1].equals("payment_intents")) {
        return found(paymentIntents.get(parts[2]), "payment_intent", parts[2]);
      }
      if (method.equals("POST") && path.equals("/v1/checkout/sessions")) {
        return createCheckoutSession(params);
      }
      if (method.equals("GET")
          && parts.length == 4
          && parts[1].equals("checkout")
          && parts[2].equals("sessions")) {
        return found(sessions.get(parts[3]), "checkout.session", parts[3]);
      }
    }
    return error(
        404,
        "invalid_request_error",
        null,
        "Unrecognized request URL (" + method + ": " + path + ").",
        null);
  }

  private Response createCustomer(Map<String, String> params) {
    Map<String, Object> customer = new LinkedHashMap<>();
    String id = "cus_" + random(14);
    customer.put("id", id);
    customer.put("object", "customer");
    customer.put("email", params.get("email"));
    customer.put("name", params.get("name"));
    customer.put("metadata", FormParams.sub(params, "metadata"));
    customer.put("created", now());
    customer.put("livemode", false);
    customers.put(id, customer);
    return Response.ok(customer);
  }

  private Response createPaymentIntent(Map<String, String> params) {
    long amount;
    try {
      amount = Long.parseLong(params.getOrDefault("amount", ""));
    } catch (NumberFormatException e) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "Missing required param: amount.",
          "amount");
    }
    if (amount < 50) {
      return error(
          400,
          "invalid_request_error",
          "amount_too_small",
          "Amount must be at least $0.50 usd",
          "amount");
    }
    String currency = params.get("currency");
    if (currency == null || !currency.matches("[a-z]{3}")) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "Missing required param: currency.",
          "currency");
    }
    String customer = params.get("customer");
    if (customer != null && !customers.containsKey(customer)) {
      return error(
          400,
          "invalid_request_error",
          "resource_missing",
          "No such customer: '" + customer + "'",
          "customer");
    }
    String pm = params.get("payment_method");
    if (pm != null && !TestCards.known(pm)) {
      return error(
          400,
          "invalid_request_error",
          "resource_missing",
          "No such PaymentMethod: '" + pm + "'",
          "payment_method");
    }
    Map<String, Object> pi =
        newPaymentIntent(amount, currency, customer, pm, FormParams.sub(params, "metadata"));
    pi.put("description", params.get("description"));
    boolean confirm = "true".equals(params.get("confirm"));
    boolean offSession = "true".equals(params.get("off_session"));
    if (!confirm) {
      pi.put("status", pm == null ? "requires_payment_method" : "requires_confirmation");
      return Response.ok(pi);
    }
    if (pm == null) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "You must provide a payment_method to confirm.",
          "payment_method");
    }
    TestCards.Decline decline = TestCards.decline(pm);
    if (decline == null && pm.equals(TestCards.SCA)) {
      if (!offSession) {
        pi.put("status", "requires_action");
        pi.put("next_action", Map.of("type", "use_stripe_sdk", "use_stripe_sdk", Map.of()));
        return Response.ok(pi);
      }
      decline =
          new TestCards.Decline(
              "authentication_required",
              "authentication_required",
              "Your card was declined. This transaction requires authentication.");
    }
    if (decline != null) {
      Map<String, Object> lastError = new LinkedHashMap<>();
      lastError.put("type", "card_error");
      lastError.put("code", decline.code());
      lastError.put("decline_code", decline.declineCode());
      lastError.put("message", decline.message());
      lastError.put("payment_method", Map.of("id", pm, "object", "payment_method", "type", "card"));
      pi.put("status", "requires_payment_method");
      pi.put("last_payment_error", lastError);
      emit("payment_intent.payment_failed", pi);
      Map<String, Object> err = new LinkedHashMap<>(lastError);
      err.put("charge", "ch_" + random(24));
      err.put("payment_intent", pi);
      err.put("doc_url", "https://stripe.com/docs/error-codes/" + decline.code().replace('_', '-'));
      return new Response(402, Map.of("error", err), false);
    }
    succeed(pi);
    emit("payment_intent.succeeded", pi);
    boolean drop = faults.dropAfterChargeNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    return new Response(200, pi, drop);
  }

  private Response searchPaymentIntents(String query) {
    Matcher m = METADATA_QUERY.matcher(query);
    if (!m.find()) {
      return error(
          400,
          "invalid_request_error",
          null,
          "The emulator searches by metadata['key']:'value' only.",
          "query");
    }
    String key = m.group(1);
    String value = m.group(2);
    List<Map<String, Object>> data =
        paymentIntents.values().stream()
            .filter(pi -> value.equals(((Map<?, ?>) pi.get("metadata")).get(key)))
            .sorted((a, b) -> Long.compare((long) b.get("created"), (long) a.get("created")))
            .toList();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("object", "search_result");
    result.put("data", data);
    result.put("has_more", false);
    result.put("next_page", null);
    result.put("url", "/v1/payment_intents/search");
    return Response.ok(result);
  }

  private Response createCheckoutSession(Map<String, String> params) {
    if (!"payment".equals(params.get("mode"))) {
      return error(
          400, "invalid_request_error", null, "The emulator supports mode=payment only.", "mode");
    }
    if (params.get("success_url") == null) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "Missing required param: success_url.",
          "success_url");
    }
    List<Map<String, String>> items = FormParams.list(params, "line_items");
    if (items.isEmpty()) {
      return error(
          400,
          "invalid_request_error",
          "parameter_missing",
          "Missing required param: line_items.",
          "line_items");
    }
    long total = 0;
    String currency = null;
    for (Map<String, String> item : items) {
      try {
        long unit = Long.parseLong(item.get("[price_data][unit_amount]"));
        long quantity = Long.parseLong(item.getOrDefault("[quantity]", "1"));
        total += unit * quantity;
        currency = item.get("[price_data][currency]");
      } catch (NumberFormatException | NullPointerException e) {
        return error(
            400,
            "invalid_request_error",
            null,
            "Each line item needs price_data[unit_amount] and price_data[currency].",
            "line_items");
      }
    }
    String id = "cs_test_" + random(24);
    Map<String, Object> session = new LinkedHashMap<>();
    session.put("id", id);
    session.put("object", "checkout.session");
    session.put("mode", "payment");
    session.put("status", "open");
    session.put("payment_status", "unpaid");
    session.put("amount_total", total);
    session.put("currency", currency);
    session.put("customer", params.get("customer"));
    session.put("customer_email", params.get("customer_email"));
    session.put("client_reference_id", params.get("client_reference_id"));
    session.put("metadata", FormParams.sub(params, "metadata"));
    session.put("success_url", params.get("success_url"));
    session.put("cancel_url", params.get("cancel_url"));
    session.put("url", apiBase() + "/_emulator/checkout/" + id);
    session.put("payment_intent", null);
    session.put("created", now());
    session.put("expires_at", now() + 24 * 3600);
    session.put("livemode", false);
    sessions.put(id, session);
    return Response.ok(session);
  }

  private Response control(String method, String path, String body) {
    String[] parts = path.substring(1).split("/");
    try {
      if (method.equals("GET") && path.equals("/_emulator/charges")) {
        return Response.ok(Map.of("data", charges()));
      }
      if (method.equals("GET") && path.equals("/_emulator/events")) {
        return Response.ok(Map.of("data", events()));
      }
      if (method.equals("POST") && path.equals("/_emulator/webhook")) {
        Map<?, ?> config = JSON.readValue(body, Map.class);
        webhook((String) config.get("url"), (String) config.get("secret"));
        return Response.ok(Map.of("url", webhookUrl));
      }
      if (method.equals("POST") && path.equals("/_emulator/faults")) {
        Map<?, ?> config = JSON.readValue(body, Map.class);
        faults.reset();
        if (config.get("latency_ms") instanceof Number n) {
          faults.latency(Duration.ofMillis(n.longValue()));
        }
        if (config.get("fail_next") instanceof Number n) {
          faults.failNext(
              n.intValue(), config.get("fail_status") instanceof Number s ? s.intValue() : 500);
        }
        if (config.get("rate_limit_per_second") instanceof Number n) {
          faults.rateLimit(n.intValue());
        }
        if (config.get("drop_after_charge_next") instanceof Number n) {
          faults.dropAfterChargeNext(n.intValue());
        }
        return Response.ok(Map.of("faults", "set"));
      }
      if (parts.length == 4 && parts[1].equals("checkout") && parts[3].equals("complete")) {
        return Response.ok(completeCheckout(parts[2]));
      }
      if (method.equals("GET") && parts.length == 3 && parts[1].equals("checkout")) {
        Map<String, Object> session = sessions.get(parts[2]);
        return session == null
            ? error(404, "invalid_request_error", null, "No such checkout session", null)
            : Response.ok(
                Map.of("checkout_session", session, "complete_with", "POST " + path + "/complete"));
      }
      if (parts.length == 4
          && parts[1].equals("payment_intents")
          && parts[3].equals("authenticate")) {
        return Response.ok(authenticate(parts[2]));
      }
      if (parts.length == 4 && parts[1].equals("events") && parts[3].equals("resend")) {
        return Response.ok(Map.of("status", deliver(parts[2])));
      }
    } catch (IllegalArgumentException e) {
      return error(404, "invalid_request_error", null, e.getMessage(), null);
    }
    return error(
        404,
        "invalid_request_error",
        null,
        "Unknown emulator control " + method + " " + path,
        null);
  }

  // --- state changes (under lock)

  private Map<String, Object> newPaymentIntent(
      long amount, String currency, String customer, String pm, Map<String, String> metadata) {
    String id = "pi_" + random(24);
    Map<String, Object> pi = new LinkedHashMap<>();
    pi.put("id", id);
    pi.put("object", "payment_intent");
    pi.put("amount", amount);
    pi.put("amount_received", 0L);
    pi.put("currency", currency);
    pi.put("customer", customer);
    pi.put("payment_method", pm);
    pi.put("metadata", metadata);
    pi.put("status", "requires_payment_method");
    pi.put("client_secret", id + "_secret_" + random(24));
    pi.put("capture_method", "automatic");
    pi.put("confirmation_method", "automatic");
    pi.put("latest_charge", null);
    pi.put("last_payment_error", null);
    pi.put("next_action", null);
    pi.put("created", now());
    pi.put("livemode", false);
    paymentIntents.put(id, pi);
    return pi;
  }

  private void succeed(Map<String, Object> pi) {
    String chargeId = "ch_" + random(24);
    pi.put("status", "succeeded");
    pi.put("amount_received", pi.get("amount"));
    pi.put("latest_charge", chargeId);
    pi.put("next_action", null);
    @SuppressWarnings("unchecked")
    Map<String, String> metadata = (Map<String, String>) pi.get("metadata");
    charges.add(
        new Charge(
            chargeId,
            (String) pi.get("id"),
            (String) pi.get("customer"),
            (long) pi.get("amount"),
            (String) pi.get("currency"),
            Map.copyOf(metadata),
            now()));
  }

  private void emit(String type, Map<String, Object> object) {
    Map<String, Object> event = new LinkedHashMap<>();
    String id = "evt_" + random(24);
    event.put("id", id);
    event.put("object", "event");
    event.put("api_version", apiVersion);
    event.put("created", now());
    event.put("type", type);
    event.put("livemode", false);
    event.put("pending_webhooks", 1);
    // A snapshot: later changes to the object do not rewrite an event already sent.
    event.put("data", Map.of("object", JSON.readValue(JSON.writeValueAsString(object), Map.class)));
    events.put(id, event);
    if (webhookUrl != null) {
      webhooks.submit(() -> deliverWithRetries(event));
    }
  }

  private void deliverWithRetries(Map<String, Object> event) {
    for (int attempt = 0; attempt < 5; attempt++) {
      int status = post(event);
      if (status >= 200 && status < 300) {
        return;
      }
      sleep(Duration.ofMillis(200L << attempt));
    }
    log.warn("stripe emulator gave up delivering {} to {}", event.get("id"), webhookUrl);
  }

  private int post(Map<String, Object> event) {
    String url = webhookUrl;
    if (url == null) {
      return -1;
    }
    String payload = JSON.writeValueAsString(event);
    long timestamp = now();
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json; charset=utf-8")
                  .header("Stripe-Signature", signature(payload, timestamp, webhookSecret))
                  .POST(HttpRequest.BodyPublishers.ofString(payload))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() >= 200 && response.statusCode() < 300) {
        deliveries.merge((String) event.get("id"), 1, Integer::sum);
      }
      return response.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Stripe's scheme: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">}. */
  public static String signature(String payload, long timestamp, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
      return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- helpers

  private void receive(HttpExchange exchange, String method, String path, String body) {
    ReceivedRequest request =
        new ReceivedRequest(
            Instant.now(),
            method,
            path,
            exchange.getRequestHeaders().getFirst("Idempotency-Key"),
            method.equals("POST") ? FormParams.sub(FormParams.flat(body), "metadata") : Map.of());
    synchronized (received) {
      if (received.size() == RECEIVED_KEPT) {
        received.removeFirst();
      }
      received.addLast(request);
    }
  }

  private boolean overRateLimit() {
    int limit = faults.rateLimitPerSecond;
    if (limit <= 0) {
      return false;
    }
    synchronized (lock) {
      long second = System.currentTimeMillis() / 1000;
      if (second != rateWindow) {
        rateWindow = second;
        rateCount = 0;
      }
      if (++rateCount > limit) {
        rateLimited++;
        return true;
      }
      return false;
    }
  }

  private static Response found(Map<String, Object> object, String kind, String id) {
    return object == null
        ? error(
            404,
            "invalid_request_error",
            "resource_missing",
            "No such " + kind + ": '" + id + "'",
            "id")
        : Response.ok(object);
  }

  private static Response error(
      int status, String type, String code, String message, String param) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("type", type);
    if (code != null) {
      err.put("code", code);
    }
    err.put("message", message);
    if (param != null) {
      err.put("param", param);
    }
    return new Response(status, Map.of("error", err), false);
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(response.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Request-Id", "req_" + random(14));
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static String random(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static void sleep(Duration duration) {
    if (!duration.isZero()) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
