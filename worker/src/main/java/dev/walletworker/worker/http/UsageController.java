package dev.walletworker.worker.http;

import dev.walletworker.account.AccountView;
import dev.walletworker.account.Accounts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's pre-check, with a service key: {@code GET /v1/accounts/{id}/balance}. ({@code POST
 * /v1/usage} is {@link UsageEndpoint}.)
 */
@RestController
class UsageController {

  private final Accounts accounts;

  UsageController(Accounts accounts) {
    this.accounts = accounts;
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
}
