package dev.walletworker.stripe.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /v1/checkout/sessions} ({@code mode=payment}): create and retrieve; and what the customer
 * does with a session: pay (charged, {@code checkout.session.completed} sent), or let it expire.
 */
final class CheckoutSessions {

  private static final long LIFETIME_SECONDS = 24 * 3600;

  private final Object lock;
  private final PaymentIntents paymentIntents;
  private final Events events;
  private final String pageBase;
  private final Map<String, CheckoutSession> sessions = new ConcurrentHashMap<>();

  /**
   * @param pageBase where the hosted pages are: a session's {@code url} is this and its id
   */
  CheckoutSessions(Object lock, PaymentIntents paymentIntents, Events events, String pageBase) {
    this.lock = lock;
    this.paymentIntents = paymentIntents;
    this.events = events;
    this.pageBase = pageBase;
  }

  /** {@code POST /v1/checkout/sessions}. */
  ApiResponse create(Map<String, String> params) {
    if (!"payment".equals(params.get("mode"))) {
      return ApiResponse.invalid(null, "The emulator supports mode=payment only.", "mode");
    }
    if (params.get("success_url") == null) {
      return ApiResponse.invalid(
          "parameter_missing", "Missing required param: success_url.", "success_url");
    }
    List<Map<String, String>> items = FormParams.list(params, "line_items");
    if (items.isEmpty()) {
      return ApiResponse.invalid(
          "parameter_missing", "Missing required param: line_items.", "line_items");
    }
    long total = 0;
    String currency = null;
    List<CheckoutSession.LineItem> lineItems = new ArrayList<>();
    for (Map<String, String> item : items) {
      try {
        long unit = Long.parseLong(item.get("[price_data][unit_amount]"));
        long quantity = Long.parseLong(item.getOrDefault("[quantity]", "1"));
        total += unit * quantity;
        currency = item.get("[price_data][currency]");
        lineItems.add(
            new CheckoutSession.LineItem(
                item.get("[price_data][product_data][name]"), quantity, unit, currency));
      } catch (NumberFormatException | NullPointerException e) {
        return ApiResponse.invalid(
            null,
            "Each line item needs price_data[unit_amount] and price_data[currency].",
            "line_items");
      }
    }
    String id = "cs_test_" + Ids.random(24);
    long now = Ids.now();
    CheckoutSession session =
        new CheckoutSession(
            id,
            CheckoutSession.OPEN,
            "unpaid",
            total,
            currency,
            params.get("customer"),
            params.get("customer_email"),
            params.get("client_reference_id"),
            Maps.frozen(FormParams.sub(params, "metadata")),
            List.copyOf(lineItems),
            params.get("success_url"),
            params.get("cancel_url"),
            pageBase + id,
            null,
            now,
            now + LIFETIME_SECONDS,
            null,
            null);
    sessions.put(id, session);
    return ApiResponse.ok(session.json());
  }

  /** {@code GET /v1/checkout/sessions/ID}. */
  ApiResponse retrieve(String id) {
    return find(id)
        .map(s -> ApiResponse.ok(s.json()))
        .orElseGet(() -> ApiResponse.notFound("checkout.session", id));
  }

  Optional<CheckoutSession> find(String id) {
    return Optional.ofNullable(sessions.get(id));
  }

  /**
   * The customer pays: charged, the session complete, {@code checkout.session.completed} sent. With
   * {@code presentedCurrency}, paid {@code presentedMinor} of it as Adaptive Pricing presents it. A
   * session no longer open stays as it is.
   */
  CheckoutSession complete(
      String id, String presentedCurrency, long presentedMinor, boolean legacyFormat) {
    synchronized (lock) {
      CheckoutSession session = require(id);
      if (session.open()) {
        boolean presented = presentedCurrency != null;
        PaymentIntent pi =
            paymentIntents.createPaid(
                presented ? presentedMinor : session.amountTotal(),
                presented ? presentedCurrency : session.currency(),
                session.customer(),
                session.metadata());
        session = session.paid(pi.id(), presentedCurrency, presentedMinor, legacyFormat);
        sessions.put(id, session);
        events.emit("checkout.session.completed", session.json());
      }
      return session;
    }
  }

  /** The session's 24 hours pass unpaid: {@code checkout.session.expired} sent. */
  CheckoutSession expire(String id) {
    synchronized (lock) {
      CheckoutSession session = require(id);
      if (session.open()) {
        session = session.expired();
        sessions.put(id, session);
        events.emit("checkout.session.expired", session.json());
      }
      return session;
    }
  }

  void clear() {
    sessions.clear();
  }

  private CheckoutSession require(String id) {
    CheckoutSession session = sessions.get(id);
    if (session == null) {
      throw new IllegalArgumentException("no checkout session " + id);
    }
    return session;
  }
}
