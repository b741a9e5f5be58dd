package dev.walletworker.worker.billing;

import dev.walletworker.account.AccountBlocks;
import dev.walletworker.account.AccountStatus;
import dev.walletworker.account.AccountView;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SpendingLimitSettings;
import dev.walletworker.account.Wallet;
import dev.walletworker.ledger.DailyUsage;
import dev.walletworker.ledger.Ledger;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.Principal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /billing}: balance, status, this month's spend against the limit, spend per day and model.
 */
@Controller
class OverviewController {

  private final Accounts accounts;
  private final Ledger ledger;
  private final Clock clock;

  OverviewController(Accounts accounts, Ledger ledger, Clock clock) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.clock = clock;
  }

  @GetMapping("/billing")
  String overview(Principal principal, Model model) {
    AccountView view = accounts.get(PageModel.account(principal));
    Wallet wallet = view.wallet();
    String currency = wallet.currency();
    ZoneId zone = clock.getZone();
    LocalDate today = LocalDate.now(clock);
    YearMonth month = YearMonth.from(today);
    List<DailyUsage> perDay =
        ledger.usagePerDay(
            view.account().id(),
            month.atDay(1).atStartOfDay(zone).toInstant(),
            month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant(),
            zone);
    BigDecimal spent =
        perDay.stream().map(DailyUsage::spent).reduce(BigDecimal.ZERO, BigDecimal::add);

    model.addAttribute("title", "Billing");
    model.addAttribute("balance", PageModel.money(wallet.balance(), currency));
    // Requests in flight reserve part of the balance (holds): what is left to spend is shown
    // beside it, only when something is held, so an owner without holds sees the page as before.
    boolean held = wallet.held().signum() != 0;
    model.addAttribute("holdsOn", held);
    if (held) {
      model.addAttribute("available", PageModel.money(wallet.available(), currency));
      model.addAttribute("held", PageModel.money(wallet.held(), currency));
    }
    model.addAttribute("currency", currency);
    boolean blocked = view.account().status() == AccountStatus.BLOCKED;
    model.addAttribute("blocked", blocked);
    if (blocked) {
      boolean byLimit = AccountBlocks.SPENDING_LIMIT.equals(view.account().blockedReason());
      model.addAttribute(
          "blockedWhy",
          byLimit
              ? "This month's spend reached your monthly spending limit."
              : "Our team paused the account (" + view.account().blockedReason() + ").");
      model.addAttribute(
          "blockedLift",
          byLimit
              ? "Raise or switch off the spending limit in Settings, or wait for the new month."
              : "Contact support to restore it.");
    }
    String monthName =
        month.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + month.getYear();
    model.addAttribute("month", monthName);
    model.addAttribute("spent", PageModel.money(spent, currency));
    SpendingLimitSettings limit = wallet.spendingLimit();
    if (limit.enabled() && limit.monthlyLimit() != null) {
      model.addAttribute("limitOn", true);
      model.addAttribute("limit", PageModel.money(limit.monthlyLimit(), currency));
      model.addAttribute(
          "limitPercent",
          limit.monthlyLimit().signum() == 0
              ? 100
              : spent
                  .multiply(BigDecimal.valueOf(100))
                  .divide(limit.monthlyLimit(), 0, RoundingMode.DOWN)
                  .intValue());
      model.addAttribute("limitBar", SpendChart.limitBar(spent, limit.monthlyLimit()));
      model.addAttribute("limitAction", limit.action().code());
    }
    SpendChart.Drawn chart = SpendChart.perDay(month, today, perDay, currency);
    model.addAttribute("chart", chart.svg());
    model.addAttribute("legend", chart.legend());
    model.addAttribute("hasLegend", !chart.legend().isEmpty());
    model.addAttribute("autoTopUpOn", wallet.autoTopUp().enabled());
    if (wallet.autoTopUp().enabled()) {
      model.addAttribute(
          "autoTopUp",
          PageModel.money(wallet.autoTopUp().amount(), currency)
              + " when the balance falls below "
              + PageModel.money(wallet.autoTopUp().threshold(), currency));
    }
    return "billing/overview";
  }
}
