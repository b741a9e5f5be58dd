package dev.walletworker.worker.billing;

import dev.walletworker.WalletException;
import dev.walletworker.account.AccountView;
import dev.walletworker.account.Accounts;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.Principal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * What every billing page shows: the form's CSRF token, the signed-in account, the navigation. A
 * page's own failure is an error page, never the API's JSON.
 */
@ControllerAdvice(basePackageClasses = PageModel.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageModel {

  private static final Logger log = LoggerFactory.getLogger(PageModel.class);

  private final Accounts accounts;

  PageModel(Accounts accounts) {
    this.accounts = accounts;
  }

  @ModelAttribute
  void common(HttpServletRequest request, Principal principal, Model model) {
    CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
    if (token != null) {
      model.addAttribute("csrfParameter", token.getParameterName());
      model.addAttribute("csrfToken", token.getToken());
    }
    if (principal != null) {
      accounts
          .find(principal.getName())
          .ifPresent(
              view -> {
                model.addAttribute("owner", ownerName(view));
                model.addAttribute("accountId", view.account().id());
                model.addAttribute("signedIn", true);
              });
    }
    String path = request.getRequestURI();
    model.addAttribute("navOverview", path.equals("/billing"));
    model.addAttribute("navTopUp", path.startsWith("/billing/top-up"));
    model.addAttribute("navSettings", path.startsWith("/billing/settings"));
    model.addAttribute("navTransactions", path.startsWith("/billing/transactions"));
    model.addAttribute("navKeys", path.startsWith("/billing/api-keys"));
  }

  @ExceptionHandler(NotFound.class)
  @ResponseStatus(HttpStatus.NOT_FOUND)
  String notFound(NotFound e, Model model) {
    model.addAttribute("title", "Not found");
    model.addAttribute("message", e.getMessage());
    return "billing/error";
  }

  /** A bad value in a page's address (a type, a month, a page marker): said, nothing changed. */
  @ExceptionHandler(WalletException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  String refused(WalletException e, Model model) {
    model.addAttribute("title", "Not a valid request");
    model.addAttribute("message", e.getMessage());
    return "billing/error";
  }

  @ExceptionHandler(Exception.class)
  @ResponseStatus(HttpStatus.INTERNAL_SERVER_ERROR)
  String failed(Exception e, Model model) {
    log.error("billing page failed: {}", e.toString(), e);
    model.addAttribute("title", "Something went wrong");
    model.addAttribute("message", "Something went wrong on our side; nothing was changed.");
    return "billing/error";
  }

  static String ownerName(AccountView view) {
    String name = view.account().displayName();
    return name == null || name.isBlank() ? view.account().email() : name;
  }

  /** {@code $4.20}: two decimals, as the emails show money. */
  static String money(BigDecimal amount, String currency) {
    NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
    format.setCurrency(Currency.getInstance(currency));
    format.setMinimumFractionDigits(2);
    format.setMaximumFractionDigits(2);
    format.setRoundingMode(RoundingMode.HALF_UP);
    return format.format(amount);
  }

  /** The value as typed in a form field: plain, two decimals at least ({@code 25.00}). */
  static String field(BigDecimal amount) {
    return amount == null ? "" : dev.walletworker.Amounts.format(amount);
  }

  /** The account of the session: set by the sign-in, the only account a page may show. */
  static String account(Principal principal) {
    return principal.getName();
  }
}
