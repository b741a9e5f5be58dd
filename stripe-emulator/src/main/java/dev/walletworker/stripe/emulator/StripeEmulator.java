package dev.walletworker.stripe.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stripe API on loopback that stripe-java talks to unchanged (point its API base here). It keeps
 * customers, payment intents and checkout sessions in memory; Stripe's test payment methods behave
 * as in test mode; idempotency keys follow Stripe's rules; events are delivered, signed, to a
 * webhook URL; {@link #faults()} injects latency, errors, rate limits and dropped connections; and
 * {@link #charges()} is the ledger of what was charged. A session's {@code url} is a hosted
 * Checkout page a browser can pay on, and {@code /v3/} serves a stand-in Stripe.js that confirms
 * PaymentIntents here.
 *
 * <p>Its own controls live under {@code /_emulator/} (see {@link #main}). This class wires the
 * parts and is the API tests use; each resource is its own class.
 */
public final class StripeEmulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StripeEmulator.class);

  private final HttpServer server;
  private final ExecutorService handlers;
  // One lock for the account: a request or a customer's action changes it atomically.
  private final Object lock = new Object();
  private final Faults faults = new Faults();
  private final RateLimit rateLimit = new RateLimit();
  private final RequestLog requests = new RequestLog();
  private final Webhooks webhooks = new Webhooks();
  private final Events events = new Events(lock, webhooks);
  private final Idempotency idempotency = new Idempotency(lock);
  private final Charges charges = new Charges(lock);
  private final Customers customers = new Customers();
  private final PaymentIntents paymentIntents =
      new PaymentIntents(lock, customers, charges, events, faults);
  private final CheckoutSessions sessions;
  private final StripeApi api;
  private final ControlApi control;
  private final HostedCheckout checkout;
  private final StripeJs stripeJs;

  private StripeEmulator(HttpServer server, ExecutorService handlers) {
    this.server = server;
    this.handlers = handlers;
    String apiBase = apiBase();
    this.sessions =
        new CheckoutSessions(lock, paymentIntents, events, apiBase + HostedCheckout.PATH);
    this.api =
        new StripeApi(
            lock,
            faults,
            rateLimit,
            requests,
            idempotency,
            events,
            customers,
            paymentIntents,
            sessions);
    this.control = new ControlApi(webhooks, faults, charges, events, paymentIntents, this::deliver);
    this.checkout = new HostedCheckout(sessions);
    this.stripeJs = new StripeJs(paymentIntents, apiBase);
  }

  /** Starts on {@code 127.0.0.1:port} (0 picks a free port). */
  public static StripeEmulator start(int port) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
      // A thread per request in flight: requests sleep through injected latency, and Stripe's
      // capacity is its rate limit, never a pool of ours.
      ExecutorService handlers =
          Executors.newCachedThreadPool(r -> Threads.daemon(r, "stripe-emulator"));
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
   * /_emulator/payment_intents/ID/authenticate}, {@code POST
   * /_emulator/payment_intents/ID/refuse_authentication}, {@code GET /_emulator/events}, {@code
   * POST /_emulator/events/ID/resend}. Pages: {@code GET /_emulator/checkout/ID} (the hosted
   * Checkout page, or the session as JSON for {@code Accept: application/json}); the stand-in
   * Stripe.js at {@code GET /v3/}.
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

  /** Where the stand-in Stripe.js is served: a page's {@code STRIPE_JS_URL} in tests. */
  public String stripeJsUrl() {
    return apiBase() + StripeJs.SCRIPT_PATH;
  }

  public Faults faults() {
    return faults;
  }

  /** Where events go, and the secret that signs them ({@code whsec_…}). */
  public StripeEmulator webhook(String url, String secret) {
    webhooks.configure(url, secret);
    return this;
  }

  /** Every successful charge so far, oldest first. */
  public List<Charge> charges() {
    return charges.all();
  }

  /** API requests received so far (before any fault is applied). */
  public int apiRequests() {
    return requests.count();
  }

  /**
   * The API requests received so far, oldest first (the latest {@value RequestLog#KEPT} are kept),
   * each with the time it arrived, before any latency or fault was applied.
   */
  public List<ReceivedRequest> requests() {
    return requests.all();
  }

  /** How many API requests were refused with 429 by the rate limit. */
  public int rateLimitedRequests() {
    return rateLimit.refused();
  }

  public Optional<Map<String, Object>> paymentIntent(String id) {
    return paymentIntents.find(id).map(PaymentIntent::json);
  }

  /** Events so far (type, object), oldest first. */
  public List<Map<String, Object>> events() {
    return events.all().stream().map(Event::json).toList();
  }

  /** How many times {@code eventId} reached the webhook with a 2xx answer. */
  public int deliveries(String eventId) {
    return webhooks.deliveries(eventId);
  }

  /** A customer, as the product's sign-up would create through the API. */
  public String createCustomer(String email) {
    return customers.add(email, null, Map.of()).id();
  }

  /** The customer completes Checkout: paid, charged, {@code checkout.session.completed} sent. */
  public Map<String, Object> completeCheckout(String sessionId) {
    return sessions.complete(sessionId, null, 0, false).json();
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
    return sessions.complete(sessionId, presentedCurrency, presentedMinor, legacyFormat).json();
  }

  /** The session's 24 hours pass unpaid: {@code checkout.session.expired} sent. */
  public Map<String, Object> expireCheckout(String sessionId) {
    return sessions.expire(sessionId).json();
  }

  /** A Checkout Session the emulator created, as Stripe would return it. */
  public Optional<Map<String, Object>> checkoutSession(String id) {
    return sessions.find(id).map(CheckoutSession::json);
  }

  /** The customer authenticates a payment that needed it: it succeeds and is charged. */
  public Map<String, Object> authenticate(String paymentIntentId) {
    return paymentIntents.authenticate(paymentIntentId).json();
  }

  /**
   * From now on the owner of {@code paymentIntentId} fails the bank's check when confirming on a
   * page: the stand-in Stripe.js answers {@code payment_intent_authentication_failure}, the
   * PaymentIntent needs a payment method again, and {@code payment_intent.payment_failed} is sent.
   */
  public StripeEmulator refuseAuthentication(String paymentIntentId) {
    paymentIntents.refuseAuthentication(paymentIntentId);
    return this;
  }

  /** Delivers an event (again) to the webhook now; returns the HTTP status, or -1. */
  public int deliver(String eventId) {
    Event event =
        events.find(eventId).orElseThrow(() -> new IllegalArgumentException("no event " + eventId));
    return webhooks.post(event);
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
      webhooks.clear();
      rateLimit.clear();
      requests.clear();
      faults.reset();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    webhooks.close();
  }

  /** Stripe's scheme: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">}. */
  public static String signature(String payload, long timestamp, String secret) {
    return Webhooks.signature(payload, timestamp, secret);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (StripeJs.servesScript(path) && method.equals("GET")) {
        stripeJs.script(exchange);
      } else if (StripeJs.confirms(path)) {
        stripeJs.confirm(exchange, method, path);
      } else if (path.startsWith(HostedCheckout.PATH)) {
        checkout.handle(exchange, method, path);
      } else if (path.startsWith("/_emulator/")) {
        Exchanges.json(exchange, control.handle(method, path, Exchanges.body(exchange)));
      } else {
        api.handle(exchange, method, path);
      }
    } catch (RuntimeException e) {
      log.warn("stripe emulator error: {}", e.toString());
      Exchanges.json(
          exchange,
          ApiResponse.error(500, "api_error", null, "Emulator error: " + e.getMessage(), null));
    }
  }
}
