package dev.walletworker.worker.billing;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.account.Accounts;
import dev.walletworker.ledger.BonusTiers;
import dev.walletworker.ledger.TopUpQuote;
import dev.walletworker.stripe.StripePayments;
import dev.walletworker.topup.CheckoutTopUps;
import dev.walletworker.topup.CheckoutTopUps.CheckoutTopUp;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.checkout.CheckoutStarter;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Top up through Stripe Checkout: the tiers, preset and custom amounts with their bonus, then the
 * same Checkout session the API creates, then a page that waits for Stripe's webhook.
 */
@Controller
class TopUpController {

  static final List<String> PRESETS = List.of("10", "25", "50", "100", "250");

  private final Accounts accounts;
  private final CheckoutStarter starter;
  private final CheckoutTopUps checkouts;
  private final String dashboard;

  TopUpController(
      Accounts accounts,
      CheckoutStarter starter,
      CheckoutTopUps checkouts,
      WorkerProperties properties) {
    this.accounts = accounts;
    this.starter = starter;
    this.checkouts = checkouts;
    String url = properties.mail().dashboardUrl();
    this.dashboard = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @GetMapping("/billing/top-up")
  String form(
      Principal principal,
      @RequestParam(name = "cancelled", required = false) String cancelled,
      Model model) {
    fill(principal, model, "100", "");
    model.addAttribute("cancelled", cancelled != null);
    return "billing/top-up";
  }

  /** The bonus of an amount, for the page's script: the tiers' one rule, asked on the server. */
  @GetMapping(value = "/billing/top-up/quote", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> quote(@RequestParam(name = "amount") String amount) {
    Map<String, Object> body = new LinkedHashMap<>();
    try {
      TopUpQuote quote = BonusTiers.quote(Amounts.parse(amount, "amount"));
      body.put("amount", Amounts.format(quote.amount()));
      body.put("bonus", Amounts.format(quote.bonus()));
      body.put("bonus_percent", quote.bonusPercent());
      body.put("total", Amounts.format(quote.total()));
      return ResponseEntity.ok(body);
    } catch (WalletException e) {
      body.put("error", e.getMessage());
      return ResponseEntity.unprocessableContent().body(body);
    }
  }

  @PostMapping("/billing/top-up")
  String start(
      Principal principal,
      @RequestParam(name = "preset", required = false) String preset,
      @RequestParam(name = "custom_amount", required = false) String custom,
      HttpServletResponse response,
      Model model) {
    String account = PageModel.account(principal);
    boolean useCustom = custom != null && !custom.isBlank();
    String text = useCustom ? custom.strip() : preset;
    try {
      if (text == null || text.isBlank()) {
        throw new WalletException(
            ErrorType.INVALID_AMOUNT, "Choose an amount or enter one", "amount");
      }
      BigDecimal amount = Amounts.parse(text, "amount");
      CheckoutStarter.Started started =
          starter.start(
              account,
              amount,
              id -> dashboard + "/billing/top-up/" + id,
              dashboard + "/billing/top-up?cancelled");
      return "redirect:" + started.url();
    } catch (WalletException e) {
      response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
      fill(principal, model, useCustom ? "" : preset, useCustom ? custom : "");
      model.addAttribute("amountError", e.getMessage());
      return "billing/top-up";
    } catch (StripePayments.CheckoutUnavailableException e) {
      response.setStatus(HttpStatus.BAD_GATEWAY.value());
      fill(principal, model, useCustom ? "" : preset, useCustom ? custom : "");
      model.addAttribute(
          "amountError",
          "The payment provider is unavailable; nothing was charged. Try again shortly.");
      return "billing/top-up";
    }
  }

  /** Where Checkout returns the owner: the credit once the webhook came, until then a wait. */
  @GetMapping("/billing/top-up/{id}")
  String done(
      @PathVariable("id") String id,
      Principal principal,
      HttpServletResponse response,
      Model model) {
    String account = PageModel.account(principal);
    CheckoutTopUp topUp =
        checkouts
            .find(id)
            .filter(t -> t.accountId().equals(account))
            .orElseThrow(() -> new NotFound("This account has no such top-up."));
    String currency = topUp.currency();
    model.addAttribute("title", "Top-up");
    model.addAttribute("amount", PageModel.money(topUp.amount(), currency));
    model.addAttribute("bonus", PageModel.money(topUp.bonus(), currency));
    model.addAttribute("hasBonus", topUp.bonus().signum() > 0);
    model.addAttribute("total", PageModel.money(topUp.quote().total(), currency));
    if (topUp.status() == CheckoutTopUps.Status.OPEN) {
      // Asks again every two seconds until the webhook has come (no script needed).
      response.setHeader("Refresh", "2");
    }
    model.addAttribute("credited", topUp.status() == CheckoutTopUps.Status.CREDITED);
    model.addAttribute("waiting", topUp.status() == CheckoutTopUps.Status.OPEN);
    model.addAttribute("expired", topUp.status() == CheckoutTopUps.Status.EXPIRED);
    model.addAttribute("review", topUp.status() == CheckoutTopUps.Status.NEEDS_REVIEW);
    model.addAttribute(
        "balance",
        PageModel.money(
            accounts.get(account).wallet().balance(), accounts.get(account).wallet().currency()));
    return "billing/top-up-done";
  }

  private void fill(Principal principal, Model model, String preset, String custom) {
    String currency = accounts.get(PageModel.account(principal)).wallet().currency();
    model.addAttribute("title", "Top up");
    List<Map<String, Object>> presets = new ArrayList<>();
    for (String p : PRESETS) {
      TopUpQuote quote = BonusTiers.quote(new BigDecimal(p));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("value", p);
      row.put("label", PageModel.money(quote.amount(), currency));
      row.put("bonus", quote.bonusPercent() > 0 ? "+" + quote.bonusPercent() + "% bonus" : "");
      row.put("checked", p.equals(preset));
      presets.add(row);
    }
    model.addAttribute("presets", presets);
    model.addAttribute("custom", custom == null ? "" : custom);
    model.addAttribute("minimum", PageModel.money(BonusTiers.MINIMUM, currency));
    model.addAttribute("contactSales", PageModel.money(BonusTiers.CONTACT_SALES_FROM, currency));
    TopUpQuote shown =
        BonusTiers.quote(
            new BigDecimal(preset != null && PRESETS.contains(preset) ? preset : "100"));
    model.addAttribute("preview", preview(shown, currency));
  }

  static String preview(TopUpQuote quote, String currency) {
    return quote.bonus().signum() > 0
        ? "You pay "
            + PageModel.money(quote.amount(), currency)
            + " and get "
            + PageModel.money(quote.total(), currency)
            + " (+"
            + quote.bonusPercent()
            + "% bonus)."
        : "You pay " + PageModel.money(quote.amount(), currency) + " and get the same in credit.";
  }
}
