package dev.walletworker.worker.billing;

import dev.walletworker.Amounts;
import dev.walletworker.WalletException;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.account.SpendingLimitAction;
import dev.walletworker.account.Wallet;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.security.Principal;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Auto top-up, the low-balance alert and the spending limit: each form changes its settings through
 * the same {@link Accounts#updateSettings} as the API, so the rules and their error texts are the
 * API's; an error is shown beside the field it names, and nothing changes.
 */
@Controller
class SettingsController {

  private final Accounts accounts;

  SettingsController(Accounts accounts) {
    this.accounts = accounts;
  }

  @GetMapping("/billing/settings")
  String page(
      Principal principal,
      @RequestParam(name = "saved", required = false) String saved,
      Model model) {
    show(principal, model);
    if (saved != null) {
      model.addAttribute("saved", savedText(saved));
    }
    return "billing/settings";
  }

  @PostMapping("/billing/settings/auto-top-up")
  String autoTopUp(
      Principal principal,
      @RequestParam(name = "enabled", required = false) String enabled,
      @RequestParam(name = "threshold", required = false) String threshold,
      @RequestParam(name = "amount", required = false) String amount,
      HttpServletResponse response,
      Model model) {
    return save(
        principal,
        response,
        model,
        "auto_topup",
        change ->
            change
                .autoTopUpEnabled(enabled != null)
                .autoTopUpThreshold(money(threshold, "auto_topup.threshold"))
                .autoTopUpAmount(money(amount, "auto_topup.amount")),
        "autoTopUp",
        java.util.Map.of(
            "autoTopUpEnabled", enabled != null,
            "autoTopUpThreshold", typed(threshold),
            "autoTopUpAmount", typed(amount)));
  }

  @PostMapping("/billing/settings/low-balance-alert")
  String lowBalanceAlert(
      Principal principal,
      @RequestParam(name = "enabled", required = false) String enabled,
      @RequestParam(name = "threshold", required = false) String threshold,
      HttpServletResponse response,
      Model model) {
    return save(
        principal,
        response,
        model,
        "low_balance_alert",
        change ->
            change
                .alertEnabled(enabled != null)
                .alertThreshold(money(threshold, "low_balance_alert.threshold")),
        "alert",
        java.util.Map.of("alertEnabled", enabled != null, "alertThreshold", typed(threshold)));
  }

  @PostMapping("/billing/settings/spending-limit")
  String spendingLimit(
      Principal principal,
      @RequestParam(name = "enabled", required = false) String enabled,
      @RequestParam(name = "monthly_limit", required = false) String limit,
      @RequestParam(name = "action", required = false) String action,
      HttpServletResponse response,
      Model model) {
    return save(
        principal,
        response,
        model,
        "spending_limit",
        change ->
            change
                .limitEnabled(enabled != null)
                .monthlyLimit(money(limit, "spending_limit.monthly_limit"))
                .limitAction(
                    action == null || action.isBlank()
                        ? null
                        : SpendingLimitAction.fromCode(action)),
        "limit",
        java.util.Map.of(
            "limitEnabled", enabled != null,
            "limitMonthly", typed(limit),
            "limitBlock", !"alert".equals(action),
            "limitAlert", "alert".equals(action)));
  }

  private String save(
      Principal principal,
      HttpServletResponse response,
      Model model,
      String form,
      Function<SettingsChange, SettingsChange> change,
      String prefix,
      java.util.Map<String, Object> typed) {
    String account = PageModel.account(principal);
    try {
      accounts.updateSettings(account, change.apply(new SettingsChange()));
      return "redirect:/billing/settings?saved=" + form;
    } catch (WalletException e) {
      response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
      show(principal, model);
      // The values as typed, so the owner corrects them rather than typing them again.
      model.addAllAttributes(typed);
      String param = e.param() == null ? "" : e.param();
      // The error beside its field (the API's param names the field); else above the form.
      String field = param.substring(param.indexOf('.') + 1);
      String key =
          switch (field) {
            case "threshold" -> prefix + "ThresholdError";
            case "amount" -> prefix + "AmountError";
            case "monthly_limit" -> prefix + "MonthlyError";
            case "action" -> prefix + "ActionError";
            default -> prefix + "Error";
          };
      model.addAttribute(key, e.getMessage());
      model.addAttribute(prefix + "Invalid", true);
      return "billing/settings";
    }
  }

  private static String typed(String text) {
    return text == null ? "" : text;
  }

  /** Empty means "not set" (null), as a missing field in the API's body. */
  private static BigDecimal money(String text, String param) {
    return text == null || text.isBlank() ? null : Amounts.parse(text, param);
  }

  private void show(Principal principal, Model model) {
    Wallet wallet = accounts.get(PageModel.account(principal)).wallet();
    model.addAttribute("title", "Settings");
    model.addAttribute("currency", wallet.currency());
    model.addAttribute("autoTopUpEnabled", wallet.autoTopUp().enabled());
    model.addAttribute("autoTopUpThreshold", PageModel.field(wallet.autoTopUp().threshold()));
    model.addAttribute("autoTopUpAmount", PageModel.field(wallet.autoTopUp().amount()));
    model.addAttribute("hasCard", wallet.autoTopUp().paymentMethodId() != null);
    model.addAttribute("alertEnabled", wallet.lowBalanceAlert().enabled());
    model.addAttribute("alertThreshold", PageModel.field(wallet.lowBalanceAlert().threshold()));
    model.addAttribute("limitEnabled", wallet.spendingLimit().enabled());
    model.addAttribute("limitMonthly", PageModel.field(wallet.spendingLimit().monthlyLimit()));
    model.addAttribute("limitBlock", wallet.spendingLimit().action() == SpendingLimitAction.BLOCK);
    model.addAttribute("limitAlert", wallet.spendingLimit().action() == SpendingLimitAction.ALERT);
  }

  private static String savedText(String form) {
    return switch (form) {
      case "auto_topup" -> "Auto top-up saved.";
      case "low_balance_alert" -> "Low-balance alert saved.";
      case "spending_limit" -> "Spending limit saved.";
      default -> "Saved.";
    };
  }
}
