package dev.walletworker.worker.cli;

import dev.walletworker.Amounts;
import dev.walletworker.account.Account;
import dev.walletworker.account.AccountView;
import dev.walletworker.account.Wallet;
import dev.walletworker.ledger.Posting;
import dev.walletworker.ledger.TransactionPage;
import dev.walletworker.ledger.WalletTransaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How accounts and transactions look in CLI output, as JSON documents and as text. */
final class Views {

  private Views() {}

  static Map<String, Object> account(AccountView view) {
    Account a = view.account();
    Wallet w = view.wallet();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", a.id());
    json.put("email", a.email());
    json.put("name", a.displayName());
    json.put("status", a.status().code());
    json.put("blocked_reason", a.blockedReason());
    json.put("blocked_since", time(a.blockedSince()));
    json.put("created_at", time(a.createdAt()));
    json.put("balance", money(w.balance()));
    json.put("currency", w.currency());
    Map<String, Object> topUp = new LinkedHashMap<>();
    topUp.put("enabled", w.autoTopUp().enabled());
    topUp.put("threshold", money(w.autoTopUp().threshold()));
    topUp.put("amount", money(w.autoTopUp().amount()));
    topUp.put("stripe_customer", w.autoTopUp().stripeCustomerId());
    topUp.put("payment_method", w.autoTopUp().paymentMethodId());
    topUp.put("failures", w.autoTopUpState().failures());
    topUp.put("retry_after", time(w.autoTopUpState().retryAfter()));
    topUp.put("disabled_reason", w.autoTopUpState().disabledReason());
    topUp.put("topups_last_24h", w.autoTopUpState().lastDay());
    json.put("auto_topup", topUp);
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("enabled", w.lowBalanceAlert().enabled());
    alert.put("threshold", money(w.lowBalanceAlert().threshold()));
    json.put("low_balance_alert", alert);
    Map<String, Object> limit = new LinkedHashMap<>();
    limit.put("enabled", w.spendingLimit().enabled());
    limit.put("monthly_limit", money(w.spendingLimit().monthlyLimit()));
    limit.put("action", w.spendingLimit().action().code());
    json.put("spending_limit", limit);
    return json;
  }

  /** The wallet's settings, as an audit row's before or after. */
  static Map<String, Object> settings(AccountView view) {
    Map<String, Object> all = account(view);
    Map<String, Object> json = new LinkedHashMap<>();
    for (String key : List.of("auto_topup", "low_balance_alert", "spending_limit")) {
      json.put(key, all.get(key));
    }
    return json;
  }

  static String accountText(AccountView view) {
    Account a = view.account();
    Wallet w = view.wallet();
    StringBuilder text = new StringBuilder();
    text.append(a.id()).append("  ").append(a.email());
    if (a.displayName() != null) {
      text.append(" (").append(a.displayName()).append(')');
    }
    text.append('\n');
    row(
        text,
        "status",
        a.status().code()
            + (a.blockedReason() == null
                ? ""
                : " (" + a.blockedReason() + " since " + time(a.blockedSince()) + ")"));
    row(text, "balance", Amounts.format(w.balance()) + " " + w.currency());
    var t = w.autoTopUp();
    row(
        text,
        "auto top-up",
        onOff(t.enabled())
            + (t.threshold() == null ? "" : ", below " + Amounts.format(t.threshold()))
            + (t.amount() == null ? "" : " add " + Amounts.format(t.amount()))
            + (t.paymentMethodId() == null ? ", no card on file" : ", card " + t.paymentMethodId())
            + (t.stripeCustomerId() == null ? "" : " of " + t.stripeCustomerId())
            + topUpState(w));
    var alert = w.lowBalanceAlert();
    row(
        text,
        "low-balance alert",
        onOff(alert.enabled())
            + (alert.threshold() == null ? "" : ", below " + Amounts.format(alert.threshold())));
    var limit = w.spendingLimit();
    row(
        text,
        "spending limit",
        onOff(limit.enabled())
            + (limit.monthlyLimit() == null
                ? ""
                : ", " + Amounts.format(limit.monthlyLimit()) + " a month")
            + ", action when reached: "
            + limit.action().code());
    row(text, "created", time(a.createdAt()));
    return text.toString().stripTrailing();
  }

  static Map<String, Object> transaction(WalletTransaction t) {
    if (t == null) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", t.id());
    json.put("type", t.type().code());
    json.put("amount", money(t.amount()));
    json.put("balance_after", money(t.balanceAfter()));
    json.put("created_at", time(t.createdAt()));
    json.put("description", t.description());
    json.put("reference", t.reference());
    return json;
  }

  static Map<String, Object> posting(Posting posting) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("transaction", transaction(posting.transaction()));
    json.put("bonus", transaction(posting.bonus()));
    json.put("balance", money(posting.balanceAfter()));
    json.put("replayed", posting.replayed());
    return json;
  }

  static String postingText(Posting posting) {
    StringBuilder text = new StringBuilder();
    text.append(line(posting.transaction()));
    if (posting.bonus() != null) {
      text.append('\n').append(line(posting.bonus()));
    }
    text.append("\nbalance ").append(Amounts.format(posting.balanceAfter()));
    if (posting.replayed()) {
      text.append("\n(already applied: this is the first result, nothing changed)");
    }
    return text.toString();
  }

  static Map<String, Object> page(TransactionPage page) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("transactions", page.transactions().stream().map(Views::transaction).toList());
    json.put("has_more", page.hasMore());
    return json;
  }

  static String pageText(TransactionPage page) {
    List<WalletTransaction> rows = page.transactions();
    if (rows.isEmpty()) {
      return "no transactions";
    }
    StringBuilder text =
        new StringBuilder(
            String.format(
                "%-28s  %-20s  %-6s  %14s  %14s  %s%n",
                "ID", "CREATED", "TYPE", "AMOUNT", "BALANCE", "DESCRIPTION"));
    for (WalletTransaction t : rows) {
      text.append(
          String.format(
              "%-28s  %-20s  %-6s  %14s  %14s  %s%n",
              t.id(),
              time(t.createdAt()),
              t.type().code(),
              Amounts.format(t.amount()),
              Amounts.format(t.balanceAfter()),
              t.description()));
    }
    if (page.hasMore()) {
      text.append("… more: --limit or --starting-after ").append(rows.get(rows.size() - 1).id());
    }
    return text.toString().stripTrailing();
  }

  private static String topUpState(Wallet w) {
    var state = w.autoTopUpState();
    StringBuilder text = new StringBuilder();
    if (state.disabledReason() != null) {
      text.append("; switched off by the system: ").append(state.disabledReason());
    }
    if (state.failures() > 0) {
      text.append("; ").append(state.failures()).append(" declined in a row");
    }
    if (state.retryAfter() != null) {
      text.append("; cooling down until ").append(time(state.retryAfter()));
    }
    if (state.lastDay() > 0) {
      text.append("; ").append(state.lastDay()).append(" automatic top-ups in the last 24 h");
    }
    return text.toString();
  }

  private static String line(WalletTransaction t) {
    return t.type().code()
        + " "
        + Amounts.format(t.amount())
        + "  "
        + t.id()
        + "  "
        + t.description();
  }

  static BigDecimal money(BigDecimal amount) {
    return amount == null ? null : Amounts.display(amount);
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static void row(StringBuilder text, String label, String value) {
    text.append(String.format("  %-18s %s%n", label, value));
  }

  private static String onOff(boolean on) {
    return on ? "on" : "off";
  }
}
