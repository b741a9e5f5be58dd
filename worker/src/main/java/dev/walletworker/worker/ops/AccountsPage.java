package dev.walletworker.worker.ops;

import dev.walletworker.Amounts;
import dev.walletworker.WalletException;
import dev.walletworker.account.AccountStatus;
import dev.walletworker.account.AccountView;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.Wallet;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.Posting;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.ledger.WalletTransaction;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.ops.OpsActions;
import dev.walletworker.topup.TopUpAttempts;
import java.math.BigDecimal;
import java.security.Principal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code /ops/accounts}: search by id or email; one account's wallet, settings, status, recent
 * transactions, top-up attempts, emails and audit rows on one page; Block, Unblock and Credit (the
 * CLI's {@link OpsActions}, audited with the signed-in user as operator). A refused form shows its
 * error beside the field and changes nothing.
 */
@Controller
class AccountsPage {

  private static final int RECENT = 10;

  private final Accounts accounts;
  private final Ledger ledger;
  private final TopUpAttempts attempts;
  private final MailOutbox mail;
  private final AuditLog audit;
  private final OpsActions actions;
  private final dev.walletworker.worker.WorkerProperties.TopUp topUpSettings;

  AccountsPage(
      Accounts accounts,
      Ledger ledger,
      MailOutbox mail,
      OpsActions actions,
      Database database,
      Clock clock,
      dev.walletworker.worker.WorkerProperties properties) {
    this.topUpSettings = properties.topup();
    this.accounts = accounts;
    this.ledger = ledger;
    this.mail = mail;
    this.actions = actions;
    this.attempts = new TopUpAttempts(database, clock);
    this.audit = new AuditLog(database, clock);
  }

  @GetMapping("/ops/accounts")
  String search(@RequestParam(required = false) String q, Model model) {
    model.addAttribute("title", "Accounts");
    String query = q == null ? "" : q.strip();
    model.addAttribute("q", query);
    if (!query.isEmpty()) {
      List<String> ids =
          query.contains("@")
              ? accounts.idsByEmail(query)
              : accounts.find(query).map(view -> List.of(view.account().id())).orElse(List.of());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String id : ids) {
        accounts.find(id).ifPresent(view -> rows.add(summary(view)));
      }
      model.addAttribute("results", rows);
      model.addAttribute("none", rows.isEmpty());
      model.addAttribute("searched", true);
    }
    return "ops/accounts";
  }

  @GetMapping("/ops/accounts/{id}")
  String account(
      @PathVariable String id, @RequestParam(required = false) String done, Model model) {
    fill(id, model);
    model.addAttribute("done", done);
    return "ops/account";
  }

  @PostMapping("/ops/accounts/{id}/block")
  ModelAndView block(
      @PathVariable String id,
      @RequestParam(defaultValue = "") String reason,
      Principal principal) {
    return act(
        id,
        "block",
        () -> actions.block(principal.getName(), id, reason),
        "blocked",
        Map.of("blockReason", reason));
  }

  @PostMapping("/ops/accounts/{id}/unblock")
  ModelAndView unblock(
      @PathVariable String id,
      @RequestParam(defaultValue = "") String reason,
      Principal principal) {
    return act(
        id,
        "unblock",
        () -> actions.unblock(principal.getName(), id, reason.isBlank() ? null : reason),
        "unblocked",
        Map.of("unblockReason", reason));
  }

  @PostMapping("/ops/accounts/{id}/credit")
  ModelAndView credit(
      @PathVariable String id,
      @RequestParam(defaultValue = "") String type,
      @RequestParam(defaultValue = "") String amount,
      @RequestParam(defaultValue = "") String reason,
      @RequestParam(name = "refers_to", defaultValue = "") String refersTo,
      @RequestParam(name = "idempotency_key", defaultValue = "") String key,
      Principal principal) {
    Map<String, Object> typed = new LinkedHashMap<>();
    // The form shown again after a refusal keeps its key: nothing was credited under it yet.
    typed.put("creditKey", key.isBlank() ? UUID.randomUUID().toString() : key);
    typed.put("creditAmount", amount);
    typed.put("creditReason", reason);
    typed.put("creditRefersTo", refersTo);
    typed.put("creditRefund", !type.equals("bonus"));
    typed.put("creditBonus", type.equals("bonus"));
    return act(
        id,
        "credit",
        () -> {
          if (!type.equals("refund") && !type.equals("bonus")) {
            throw new WalletException(
                dev.walletworker.ErrorType.INVALID_REQUEST, "type must be refund or bonus", "type");
          }
          // A credit by hand needs its why: the product's refund process reviews a request.
          dev.walletworker.Texts.clean(reason, "reason", 500, true);
          BigDecimal value =
              Amounts.requirePositive(Amounts.parse(amount.strip(), "amount"), "amount");
          Posting posting =
              actions.credit(
                  principal.getName(),
                  id,
                  value,
                  TransactionType.fromCode(type),
                  null,
                  reference(key),
                  reason,
                  refersTo.isBlank() ? null : refersTo);
          return posting;
        },
        "credited",
        typed);
  }

  /**
   * The ledger reference of a credit form: its key, made when the page was shown, so that the same
   * form sent twice (a double click, a resend after a timeout) credits once and the second send is
   * a replay. A post without a key (not from the page) has no reference.
   */
  private static String reference(String key) {
    if (key.isBlank()) {
      return null;
    }
    try {
      return "ops:" + UUID.fromString(key.strip());
    } catch (IllegalArgumentException e) {
      throw new WalletException(
          dev.walletworker.ErrorType.INVALID_REQUEST,
          "this form is damaged (its key is not one the page made); open the account again",
          null);
    }
  }

  /**
   * Runs an action; on success back to the account page (a reload does not repeat it), on a refusal
   * the page again with the error beside the field it names and the values as typed.
   */
  private ModelAndView act(
      String id,
      String form,
      java.util.function.Supplier<?> action,
      String done,
      Map<String, Object> typed) {
    if (accounts.find(id).isEmpty()) {
      throw new OpsPageModel.NotFoundPage("There is no account " + id + ".");
    }
    try {
      action.get();
      return new ModelAndView("redirect:/ops/accounts/" + id + "?done=" + done);
    } catch (WalletException e) {
      ModelAndView page = new ModelAndView("ops/account");
      fill(id, page.getModelMap());
      page.addAllObjects(typed);
      String field = e.param() == null ? "form" : e.param().replace("_", "");
      page.addObject(form + capitalized(field) + "Error", e.getMessage());
      page.addObject(form + "Error", e.getMessage());
      page.setStatus(HttpStatus.BAD_REQUEST);
      return page;
    }
  }

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private void fill(String id, org.springframework.ui.Model model) {
    fill(id, model.asMap());
  }

  private void fill(String id, Map<String, Object> model) {
    AccountView view =
        accounts
            .find(id)
            .orElseThrow(() -> new OpsPageModel.NotFoundPage("There is no account " + id + "."));
    Wallet wallet = view.wallet();
    String currency = wallet.currency();
    model.put("title", "Account " + id);
    model.put("creditKey", UUID.randomUUID().toString());
    model.putAll(summary(view));
    model.put("balance", OpsPageModel.money(wallet.balance(), currency));
    model.put("holds", wallet.held().signum() > 0);
    model.put("held", OpsPageModel.money(wallet.held(), currency));
    model.put("available", OpsPageModel.money(wallet.available(), currency));
    model.put("blocked", view.account().status() == AccountStatus.BLOCKED);
    model.put("blockedReason", view.account().blockedReason());
    model.put("blockedSince", OpsPageModel.time(view.account().blockedSince()));
    model.put("created", OpsPageModel.time(view.account().createdAt()));
    model.put(
        "autoTopUp",
        wallet.autoTopUp().enabled()
            ? "on: "
                + OpsPageModel.money(wallet.autoTopUp().amount(), currency)
                + " below "
                + OpsPageModel.money(wallet.autoTopUp().threshold(), currency)
                + (wallet.autoTopUp().paymentMethodId() == null
                    ? " (no card)"
                    : ", card " + wallet.autoTopUp().paymentMethodId())
            : "off");
    model.put(
        "alert",
        wallet.lowBalanceAlert().enabled()
            ? "below " + OpsPageModel.money(wallet.lowBalanceAlert().threshold(), currency)
            : "off");
    model.put(
        "limit",
        wallet.spendingLimit().enabled()
            ? OpsPageModel.money(wallet.spendingLimit().monthlyLimit(), currency)
                + " a month, then "
                + wallet.spendingLimit().action().code()
            : "off");
    List<Map<String, Object>> transactions = new ArrayList<>();
    for (WalletTransaction t : ledger.history(id, RECENT, null).transactions()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", t.id());
      row.put("at", OpsPageModel.time(t.createdAt()));
      row.put("type", t.type().code());
      row.put("amount", OpsPageModel.money(t.amount(), currency));
      row.put("negative", t.amount().signum() < 0);
      row.put("balance", OpsPageModel.money(t.balanceAfter(), currency));
      row.put("description", t.description());
      transactions.add(row);
    }
    model.put("transactions", transactions);
    model.put(
        "attempts",
        attempts.recent(id, null, RECENT).stream()
            .map(a -> TopUpsPage.attempt(a, topUpSettings))
            .toList());
    model.put("emails", mail.list(null, id, RECENT).stream().map(MailPage::message).toList());
    model.put(
        "auditRows", audit.list(id, null, null, RECENT).stream().map(AuditPage::entry).toList());
    model.putIfAbsent("creditRefund", true);
  }

  private static Map<String, Object> summary(AccountView view) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", view.account().id());
    row.put("email", view.account().email());
    row.put("name", Optional.ofNullable(view.account().displayName()).orElse(""));
    row.put("status", view.account().status().code());
    row.put("balanceShort", OpsPageModel.money(view.wallet().balance(), view.wallet().currency()));
    return row;
  }
}
