package dev.walletworker.worker.http;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.account.SpendingLimitAction;
import dev.walletworker.account.Wallet;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionPage;
import dev.walletworker.ledger.WalletTransaction;
import dev.walletworker.stripe.StripePayments;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.checkout.CheckoutStarter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The wallet API, in the shapes the product documents. The account is the API key's. */
@RestController
class WalletApiController {

  private final Accounts accounts;
  private final Ledger ledger;
  private final CheckoutStarter checkouts;
  private final WorkerProperties.Api api;

  WalletApiController(
      Accounts accounts, Ledger ledger, CheckoutStarter checkouts, WorkerProperties properties) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.checkouts = checkouts;
    this.api = properties.api();
  }

  @GetMapping("/v1/wallet/balance")
  ResponseEntity<String> balance(HttpServletRequest request) {
    Wallet wallet = accounts.get(account(request)).wallet();
    return ApiJson.ok(
        ordered(
            "balance",
            ApiJson.shown(wallet.balance()),
            "currency",
            wallet.currency(),
            // What usage and new holds may spend: the balance less active holds.
            "available",
            ApiJson.shown(wallet.available()),
            "held",
            ApiJson.shown(wallet.held())));
  }

  @PostMapping("/v1/wallet/top-up")
  ResponseEntity<String> topUp(HttpServletRequest request) throws IOException {
    JsonNode body = ApiJson.object(body(request));
    ApiJson.onlyFields(body, Set.of("amount"), "");
    BigDecimal amount = ApiJson.money(body.get("amount"), "amount");
    if (amount == null) {
      throw ApiError.malformed("amount is required", "amount");
    }
    try {
      CheckoutStarter.Started started =
          checkouts.start(
              account(request),
              amount,
              topUpId -> api.checkoutSuccessUrl(),
              api.checkoutCancelUrl());
      return ApiJson.ok(
          ordered(
              "checkout_url",
              started.url(),
              "amount",
              ApiJson.shown(started.quote().amount()),
              "currency",
              started.currency()));
    } catch (StripePayments.CheckoutUnavailableException e) {
      throw new ApiError(
          HttpStatus.BAD_GATEWAY,
          "payment_provider_error",
          "The payment provider is unavailable; nothing was charged. Try again shortly.",
          null);
    }
  }

  @GetMapping("/v1/wallet/transactions")
  ResponseEntity<String> transactions(
      HttpServletRequest request,
      @RequestParam(name = "limit", required = false) String limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    int size = 10;
    if (limit != null) {
      try {
        size = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw ApiError.malformed(
            "limit must be a whole number from 1 to " + Ledger.MAX_PAGE, "limit");
      }
    }
    TransactionPage page = ledger.history(account(request), size, startingAfter);
    return ApiJson.ok(
        ordered(
            "transactions",
                page.transactions().stream().map(WalletApiController::transaction).toList(),
            "has_more", page.hasMore()));
  }

  @GetMapping("/v1/wallet/auto-topup")
  ResponseEntity<String> autoTopUp(HttpServletRequest request) {
    return ApiJson.ok(autoTopUpJson(accounts.get(account(request)).wallet()));
  }

  @PutMapping("/v1/wallet/auto-topup")
  ResponseEntity<String> setAutoTopUp(HttpServletRequest request) throws IOException {
    JsonNode settings =
        wrapped(body(request), "auto_topup", Set.of("enabled", "threshold", "amount"));
    SettingsChange change =
        new SettingsChange()
            .autoTopUpEnabled(ApiJson.bool(settings.get("enabled"), "auto_topup.enabled"))
            .autoTopUpThreshold(ApiJson.money(settings.get("threshold"), "auto_topup.threshold"))
            .autoTopUpAmount(ApiJson.money(settings.get("amount"), "auto_topup.amount"));
    return ApiJson.ok(autoTopUpJson(accounts.updateSettings(account(request), change).wallet()));
  }

  @GetMapping("/v1/wallet/spending-limit")
  ResponseEntity<String> spendingLimit(HttpServletRequest request) {
    return ApiJson.ok(spendingLimitJson(accounts.get(account(request)).wallet()));
  }

  @PutMapping("/v1/wallet/spending-limit")
  ResponseEntity<String> setSpendingLimit(HttpServletRequest request) throws IOException {
    JsonNode settings =
        wrapped(body(request), "spending_limit", Set.of("enabled", "monthly_limit", "action"));
    String action = ApiJson.text(settings.get("action"), "spending_limit.action");
    SettingsChange change =
        new SettingsChange()
            .limitEnabled(ApiJson.bool(settings.get("enabled"), "spending_limit.enabled"))
            .monthlyLimit(
                ApiJson.money(settings.get("monthly_limit"), "spending_limit.monthly_limit"))
            .limitAction(action == null ? null : SpendingLimitAction.fromCode(action));
    return ApiJson.ok(
        spendingLimitJson(accounts.updateSettings(account(request), change).wallet()));
  }

  @GetMapping("/v1/wallet/low-balance-alert")
  ResponseEntity<String> lowBalanceAlert(HttpServletRequest request) {
    return ApiJson.ok(alertJson(accounts.get(account(request)).wallet()));
  }

  @PutMapping("/v1/wallet/low-balance-alert")
  ResponseEntity<String> setLowBalanceAlert(HttpServletRequest request) throws IOException {
    JsonNode settings = wrapped(body(request), "low_balance_alert", Set.of("enabled", "threshold"));
    SettingsChange change =
        new SettingsChange()
            .alertEnabled(ApiJson.bool(settings.get("enabled"), "low_balance_alert.enabled"))
            .alertThreshold(
                ApiJson.money(settings.get("threshold"), "low_balance_alert.threshold"));
    return ApiJson.ok(alertJson(accounts.updateSettings(account(request), change).wallet()));
  }

  private JsonNode wrapped(String body, String wrapper, Set<String> fields) {
    JsonNode root = ApiJson.object(body);
    ApiJson.onlyFields(root, Set.of(wrapper), "");
    JsonNode settings = root.get(wrapper);
    if (settings == null || !settings.isObject()) {
      throw ApiError.malformed("Request body must be {\"" + wrapper + "\": {…}}", wrapper);
    }
    ApiJson.onlyFields(settings, fields, wrapper + ".");
    if (settings.isEmpty()) {
      throw ApiError.malformed(wrapper + " has no setting to change", wrapper);
    }
    return settings;
  }

  private String body(HttpServletRequest request) throws IOException {
    return ApiJson.body(request, api.maxBodyBytes());
  }

  private static String account(HttpServletRequest request) {
    return (String) request.getAttribute(ApiAuthFilter.ACCOUNT);
  }

  private static Map<String, Object> transaction(WalletTransaction t) {
    return ordered(
        "id", t.id(),
        "type", t.type().code(),
        "amount", ApiJson.shown(t.amount()),
        "balance_after", ApiJson.shown(t.balanceAfter()),
        "created_at", t.createdAt().truncatedTo(ChronoUnit.SECONDS).toString(),
        "description", t.description());
  }

  private static Map<String, Object> autoTopUpJson(Wallet w) {
    return Map.of(
        "auto_topup",
        ordered(
            "enabled", w.autoTopUp().enabled(),
            "threshold", ApiJson.shown(w.autoTopUp().threshold()),
            "amount", ApiJson.shown(w.autoTopUp().amount())));
  }

  private static Map<String, Object> spendingLimitJson(Wallet w) {
    return Map.of(
        "spending_limit",
        ordered(
            "enabled", w.spendingLimit().enabled(),
            "monthly_limit", ApiJson.shown(w.spendingLimit().monthlyLimit()),
            "action", w.spendingLimit().action().code()));
  }

  private static Map<String, Object> alertJson(Wallet w) {
    return Map.of(
        "low_balance_alert",
        ordered(
            "enabled",
            w.lowBalanceAlert().enabled(),
            "threshold",
            ApiJson.shown(w.lowBalanceAlert().threshold())));
  }

  private static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
