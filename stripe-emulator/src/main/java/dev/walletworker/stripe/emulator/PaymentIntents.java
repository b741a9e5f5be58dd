package dev.walletworker.stripe.emulator;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /v1/payment_intents}: create (and confirm, with Stripe's test payment methods), retrieve,
 * search by metadata; and what happens to a PaymentIntent outside the API: paid through Checkout,
 * authenticated by its owner, or not.
 */
final class PaymentIntents {

  /** Stripe's words when the owner fails 3-D Secure. */
  private static final String AUTHENTICATION_FAILED =
      "We are unable to authenticate your payment method. Please choose a different payment"
          + " method and try again.";

  private static final Pattern METADATA_QUERY =
      Pattern.compile("metadata\\['([^']+)'\\]\\s*:\\s*'([^']*)'");

  private final Object lock;
  private final Customers customers;
  private final Charges charges;
  private final Events events;
  private final Faults faults;
  private final Map<String, PaymentIntent> paymentIntents = new LinkedHashMap<>();
  private final Set<String> refusing = new HashSet<>();

  PaymentIntents(Object lock, Customers customers, Charges charges, Events events, Faults faults) {
    this.lock = lock;
    this.customers = customers;
    this.charges = charges;
    this.events = events;
    this.faults = faults;
  }

  /** {@code POST /v1/payment_intents}: with {@code confirm=true}, charged as Stripe would. */
  ApiResponse create(Map<String, String> params) {
    long amount;
    try {
      amount = Long.parseLong(params.getOrDefault("amount", ""));
    } catch (NumberFormatException e) {
      return ApiResponse.invalid("parameter_missing", "Missing required param: amount.", "amount");
    }
    if (amount < 50) {
      return ApiResponse.invalid("amount_too_small", "Amount must be at least $0.50 usd", "amount");
    }
    String currency = params.get("currency");
    if (currency == null || !currency.matches("[a-z]{3}")) {
      return ApiResponse.invalid(
          "parameter_missing", "Missing required param: currency.", "currency");
    }
    String customer = params.get("customer");
    if (customer != null && !customers.exists(customer)) {
      return ApiResponse.invalid(
          "resource_missing", "No such customer: '" + customer + "'", "customer");
    }
    String pm = params.get("payment_method");
    if (pm != null && !TestCards.known(pm)) {
      return ApiResponse.invalid(
          "resource_missing", "No such PaymentMethod: '" + pm + "'", "payment_method");
    }
    boolean confirm = "true".equals(params.get("confirm"));
    if (confirm && pm == null) {
      return ApiResponse.invalid(
          "parameter_missing", "You must provide a payment_method to confirm.", "payment_method");
    }
    synchronized (lock) {
      PaymentIntent pi =
          store(
              PaymentIntent.create(
                  amount,
                  currency,
                  customer,
                  pm,
                  FormParams.sub(params, "metadata"),
                  params.get("description")));
      if (!confirm) {
        return ApiResponse.ok(
            store(
                    pi.withStatus(
                        pm == null
                            ? PaymentIntent.REQUIRES_PAYMENT_METHOD
                            : PaymentIntent.REQUIRES_CONFIRMATION))
                .json());
      }
      return confirm(pi, "true".equals(params.get("off_session")));
    }
  }

  /** {@code GET /v1/payment_intents/ID}. */
  ApiResponse retrieve(String id) {
    return find(id)
        .map(pi -> ApiResponse.ok(pi.json()))
        .orElseGet(() -> ApiResponse.notFound("payment_intent", id));
  }

  /** {@code GET /v1/payment_intents/search}: {@code metadata['key']:'value'} only. */
  ApiResponse search(String query) {
    Matcher m = METADATA_QUERY.matcher(query);
    if (!m.find()) {
      return ApiResponse.invalid(
          null, "The emulator searches by metadata['key']:'value' only.", "query");
    }
    String key = m.group(1);
    String value = m.group(2);
    List<Map<String, Object>> data;
    synchronized (lock) {
      data =
          paymentIntents.values().stream()
              .filter(pi -> value.equals(pi.metadata().get(key)))
              .sorted(Comparator.comparingLong(PaymentIntent::created).reversed())
              .map(PaymentIntent::json)
              .toList();
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("object", "search_result");
    result.put("data", data);
    result.put("has_more", false);
    result.put("next_page", null);
    result.put("url", "/v1/payment_intents/search");
    return ApiResponse.ok(result);
  }

  Optional<PaymentIntent> find(String id) {
    synchronized (lock) {
      return Optional.ofNullable(paymentIntents.get(id));
    }
  }

  /** A PaymentIntent paid at once, as Checkout makes one when the customer pays. */
  PaymentIntent createPaid(
      long amount, String currency, String customer, Map<String, String> metadata) {
    synchronized (lock) {
      return pay(PaymentIntent.create(amount, currency, customer, "pm_card_visa", metadata, null));
    }
  }

  /**
   * The owner authenticates a payment that needed it: it succeeds, is charged, and {@code
   * payment_intent.succeeded} is sent. One already paid stays as it is.
   */
  PaymentIntent authenticate(String id) {
    synchronized (lock) {
      PaymentIntent pi = require(id);
      if (!pi.succeeded()) {
        pi = pay(pi);
        events.emit("payment_intent.succeeded", pi.json());
      }
      return pi;
    }
  }

  /** From now on the owner of {@code id} fails the bank's check when confirming on a page. */
  void refuseAuthentication(String id) {
    synchronized (lock) {
      require(id);
      refusing.add(id);
    }
  }

  /**
   * The owner confirms on a page (through Stripe.js): authenticated as by {@link #authenticate}, or
   * refused if {@link #refuseAuthentication} said so.
   */
  PaymentIntent confirmByOwner(String id) {
    synchronized (lock) {
      return refusing.contains(id) ? failAuthentication(id) : authenticate(id);
    }
  }

  /**
   * The owner fails the bank's check: the PaymentIntent needs a payment method again, with Stripe's
   * {@code payment_intent_authentication_failure}, and {@code payment_intent.payment_failed} is
   * sent. One already paid stays as it is.
   */
  private PaymentIntent failAuthentication(String id) {
    synchronized (lock) {
      PaymentIntent pi = require(id);
      if (!pi.succeeded()) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "invalid_request_error");
        error.put("code", "payment_intent_authentication_failure");
        error.put("message", AUTHENTICATION_FAILED);
        if (pi.paymentMethod() != null) {
          error.put("payment_method", paymentMethod(pi.paymentMethod()));
        }
        pi = store(pi.failed(error));
        events.emit("payment_intent.payment_failed", pi.json());
      }
      return pi;
    }
  }

  void clear() {
    synchronized (lock) {
      paymentIntents.clear();
      refusing.clear();
    }
  }

  /** Confirms with the PaymentIntent's test payment method: paid, declined, or needing action. */
  private ApiResponse confirm(PaymentIntent pi, boolean offSession) {
    String pm = pi.paymentMethod();
    TestCards.Decline decline = TestCards.decline(pm);
    if (decline == null && pm.equals(TestCards.SCA)) {
      if (!offSession) {
        return ApiResponse.ok(store(pi.requiringAction()).json());
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
      lastError.put("payment_method", paymentMethod(pm));
      PaymentIntent failed = store(pi.failed(lastError));
      events.emit("payment_intent.payment_failed", failed.json());
      Map<String, Object> error = new LinkedHashMap<>(lastError);
      error.put("charge", "ch_" + Ids.random(24));
      error.put("payment_intent", failed.json());
      error.put(
          "doc_url", "https://stripe.com/docs/error-codes/" + decline.code().replace('_', '-'));
      return new ApiResponse(402, Map.of("error", error), false);
    }
    PaymentIntent paid = pay(pi);
    events.emit("payment_intent.succeeded", paid.json());
    boolean drop = faults.dropAfterChargeNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    return new ApiResponse(200, paid.json(), drop);
  }

  private PaymentIntent pay(PaymentIntent pi) {
    return store(pi.paid(charges.charge(pi)));
  }

  private PaymentIntent store(PaymentIntent pi) {
    paymentIntents.put(pi.id(), pi);
    return pi;
  }

  private PaymentIntent require(String id) {
    PaymentIntent pi = paymentIntents.get(id);
    if (pi == null) {
      throw new IllegalArgumentException("no payment intent " + id);
    }
    return pi;
  }

  private static Map<String, Object> paymentMethod(String id) {
    return Map.of("id", id, "object", "payment_method", "type", "card");
  }
}
