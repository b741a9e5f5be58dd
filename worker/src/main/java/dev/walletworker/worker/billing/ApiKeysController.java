package dev.walletworker.worker.billing;

import dev.walletworker.account.ApiKeys;
import java.security.Principal;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The account's API keys: listed by prefix, a new one shown once on the page that created it (never
 * stored in the session or a redirect), one revoked at a time.
 */
@Controller
class ApiKeysController {

  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private final ApiKeys keys;
  private final Clock clock;

  ApiKeysController(ApiKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  @GetMapping("/billing/api-keys")
  String list(
      Principal principal,
      @RequestParam(name = "revoked", required = false) String revoked,
      Model model) {
    show(principal, model);
    model.addAttribute("revoked", revoked != null);
    return "billing/api-keys";
  }

  @PostMapping("/billing/api-keys")
  String create(Principal principal, Model model) {
    String key = keys.issue(PageModel.account(principal));
    show(principal, model);
    // Shown in this answer only; the page is not cached (Cache-Control: no-store).
    model.addAttribute("newKey", key);
    return "billing/api-keys";
  }

  @PostMapping("/billing/api-keys/revoke")
  String revoke(
      Principal principal,
      @RequestParam(name = "id", required = false) String id,
      jakarta.servlet.http.HttpServletResponse response,
      Model model) {
    // Only a key of the session's account: another account's key id revokes nothing.
    if (id == null || !keys.revokeKey(PageModel.account(principal), id)) {
      response.setStatus(404);
      show(principal, model);
      model.addAttribute("error", "No such active key on this account.");
      return "billing/api-keys";
    }
    return "redirect:/billing/api-keys?revoked";
  }

  private void show(Principal principal, Model model) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ApiKeys.KeyInfo key : keys.active(PageModel.account(principal))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", key.id());
      row.put("prefix", key.prefix());
      row.put("created", SHOWN.format(key.createdAt().atZone(clock.getZone())));
      row.put(
          "lastUsed",
          key.lastUsedAt() == null
              ? "never"
              : SHOWN.format(key.lastUsedAt().atZone(clock.getZone())));
      rows.add(row);
    }
    model.addAttribute("title", "API keys");
    model.addAttribute("keys", rows);
    model.addAttribute("none", rows.isEmpty());
  }
}
