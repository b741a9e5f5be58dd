package dev.walletworker.worker.ops;

import dev.walletworker.WalletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * What every console page shows: the forms' CSRF token, who is signed in, the navigation; a page's
 * failure is an error page ({@link Errors}). Times are shown in UTC, as the CLI and the logs show
 * them.
 */
@ControllerAdvice(basePackageClasses = OpsPageModel.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpsPageModel {

  private static final Logger log = LoggerFactory.getLogger(OpsPageModel.class);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  @ModelAttribute
  void common(HttpServletRequest request, Principal principal, Model model) {
    common(request, principal, model.asMap());
  }

  private static void common(
      HttpServletRequest request, Principal principal, java.util.Map<String, Object> model) {
    CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
    if (token != null) {
      model.put("csrfParameter", token.getParameterName());
      model.put("csrfToken", token.getToken());
    }
    if (principal != null) {
      model.put("signedIn", true);
      model.put("operator", principal.getName());
    }
    String path = request.getRequestURI();
    model.put("navOverview", path.equals("/ops"));
    model.put("navJobs", path.startsWith("/ops/jobs"));
    model.put("navTopUps", path.startsWith("/ops/top-ups"));
    model.put("navHolds", path.startsWith("/ops/holds"));
    model.put("navMail", path.startsWith("/ops/mail"));
    model.put("navAccounts", path.startsWith("/ops/accounts"));
    model.put("navAudit", path.startsWith("/ops/audit"));
  }

  /**
   * A page's failure as an error page, before any other resolver: the management server's
   * dispatcher also consults the daemon's resolvers, whose API advice would answer in JSON.
   */
  static final class Errors implements HandlerExceptionResolver, Ordered {

    @Override
    public ModelAndView resolveException(
        HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
      if (!(handler instanceof HandlerMethod method)
          || !method.getBeanType().getPackageName().equals(OpsPageModel.class.getPackageName())) {
        return null;
      }
      ModelAndView page = new ModelAndView("ops/error");
      common(request, request.getUserPrincipal(), page.getModelMap());
      if (e instanceof NotFoundPage) {
        page.setStatus(HttpStatus.NOT_FOUND);
        page.addObject("title", "Not found");
        page.addObject("message", e.getMessage());
      } else if (e instanceof WalletException) {
        // A bad value in a page's address (a filter, an id): said, nothing changed.
        page.setStatus(HttpStatus.BAD_REQUEST);
        page.addObject("title", "Not a valid request");
        page.addObject("message", e.getMessage());
      } else if (e instanceof org.springframework.web.bind.MissingServletRequestParameterException
          || e instanceof org.springframework.beans.TypeMismatchException) {
        page.setStatus(HttpStatus.BAD_REQUEST);
        page.addObject("title", "Not a valid request");
        page.addObject("message", "This address is not one of the console's.");
      } else {
        log.error("ops page failed: {}", e.toString(), e);
        page.setStatus(HttpStatus.INTERNAL_SERVER_ERROR);
        page.addObject("title", "Something went wrong");
        page.addObject("message", "Something went wrong on our side; see the daemon's log.");
      }
      return page;
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }

  /** Something the address names that does not exist. */
  static final class NotFoundPage extends RuntimeException {
    NotFoundPage(String message) {
      super(message);
    }
  }

  /**
   * A page's {@code status} filter: null for none (blank), else one of {@code codes}; anything else
   * is refused naming the codes (a 400 page).
   */
  static String statusFilter(String status, java.util.List<String> codes) {
    if (status == null || status.isBlank()) {
      return null;
    }
    if (!codes.contains(status)) {
      throw new dev.walletworker.WalletException(
          dev.walletworker.ErrorType.INVALID_REQUEST,
          "status must be one of "
              + String.join(", ", codes)
              + ", got '"
              + dev.walletworker.Texts.abbreviate(status)
              + "'",
          "status");
    }
    return status;
  }

  static String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant);
  }

  /** Spring Batch's times are UTC wall-clock times. */
  static String time(LocalDateTime time) {
    return time == null ? "" : time(time.toInstant(ZoneOffset.UTC));
  }

  /** Exact, as stored: {@code 12.500000 USD} is shown {@code 12.50 USD}. */
  static String money(BigDecimal amount, String currency) {
    return amount == null ? "" : dev.walletworker.Amounts.format(amount) + " " + currency;
  }

  static String duration(Duration duration) {
    if (duration == null) {
      return "";
    }
    long millis = duration.toMillis();
    return millis < 1000
        ? millis + " ms"
        : millis < 120_000
            ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0)
            : dev.walletworker.Durations.words(duration);
  }
}
