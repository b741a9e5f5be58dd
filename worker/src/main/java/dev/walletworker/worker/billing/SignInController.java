package dev.walletworker.worker.billing;

import dev.walletworker.account.Accounts;
import dev.walletworker.signin.SignInLinks;
import dev.walletworker.worker.WorkerProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sign-in by emailed link. Asking for a link answers the same whether or not an account has the
 * address. Opening the link shows a button that uses it: mail scanners that fetch links do not use
 * them up. Using it starts a fresh session (a new id, a new CSRF token) for that account.
 */
@Controller
class SignInController {

  static final String ROLE = "OWNER";
  private static final Logger log = LoggerFactory.getLogger(SignInController.class);

  private final Accounts accounts;
  private final SignInLinks links;
  private final HttpSessionSecurityContextRepository contexts;
  private final HttpSessionCsrfTokenRepository csrfTokens;
  private final RequestCache requests = new HttpSessionRequestCache();
  private final String linkBase;
  private final long minutes;

  SignInController(
      Accounts accounts,
      SignInLinks links,
      HttpSessionSecurityContextRepository contexts,
      HttpSessionCsrfTokenRepository csrfTokens,
      WorkerProperties properties) {
    this.accounts = accounts;
    this.links = links;
    this.contexts = contexts;
    this.csrfTokens = csrfTokens;
    String dashboard = properties.mail().dashboardUrl();
    this.linkBase =
        (dashboard.endsWith("/") ? dashboard.substring(0, dashboard.length() - 1) : dashboard)
            + "/billing/sign-in/link?token=";
    this.minutes = properties.billing().signInLinkLifetime().toMinutes();
  }

  /**
   * The billing page that sent the owner to sign in (e.g. the payment confirmation an email linked
   * to), else the overview. Only a path under /billing: never another site.
   */
  private String afterSignIn(HttpServletRequest request, HttpServletResponse response) {
    SavedRequest saved = requests.getRequest(request, response);
    requests.removeRequest(request, response);
    if (saved == null) {
      return "/billing";
    }
    URI uri = URI.create(saved.getRedirectUrl());
    String path = uri.getRawPath();
    if (path == null || !(path.equals("/billing") || path.startsWith("/billing/"))) {
      return "/billing";
    }
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  @GetMapping("/billing/sign-in")
  String form(HttpServletRequest request, Model model) {
    model.addAttribute("title", "Sign in");
    model.addAttribute("signedOut", request.getParameter("signed-out") != null);
    model.addAttribute("expired", request.getParameter("expired") != null);
    return "billing/sign-in";
  }

  @PostMapping("/billing/sign-in")
  String request(
      @RequestParam(name = "email", required = false) String email,
      HttpServletResponse response,
      Model model) {
    model.addAttribute("title", "Sign in");
    String address = email == null ? "" : email.strip();
    if (address.isEmpty() || address.length() > 254 || !address.contains("@")) {
      response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
      model.addAttribute("email", address);
      model.addAttribute("emailError", "Enter the email address of your account.");
      return "billing/sign-in";
    }
    List<String> ids = accounts.idsByEmail(address);
    if (links.request(address, ids, linkBase) == SignInLinks.Requested.RATE_LIMITED) {
      response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
      model.addAttribute("email", address);
      model.addAttribute(
          "emailError",
          "Too many sign-in links were asked for this address. Use the last one we sent, or try"
              + " again in a few minutes.");
      return "billing/sign-in";
    }
    model.addAttribute("email", address);
    model.addAttribute("minutes", minutes);
    return "billing/sign-in-sent";
  }

  /** The link from the email: a button that uses it (a GET changes nothing). */
  @GetMapping("/billing/sign-in/link")
  String link(@RequestParam(name = "token", required = false) String token, Model model) {
    model.addAttribute("title", "Sign in");
    model.addAttribute("token", token == null ? "" : token);
    return "billing/sign-in-link";
  }

  @PostMapping("/billing/sign-in/link")
  String use(
      @RequestParam(name = "token", required = false) String token,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    var account = links.use(token);
    if (account.isEmpty()) {
      response.setStatus(HttpStatus.BAD_REQUEST.value());
      model.addAttribute("title", "Link not valid");
      model.addAttribute(
          "message",
          "This sign-in link was already used, has expired or is not valid. Ask for a new one.");
      model.addAttribute("signInAgain", true);
      return "billing/error";
    }
    // A session that existed before (e.g. for the CSRF token of the button) gets a new id, so an
    // id planted in the browser beforehand is worth nothing; its old CSRF token goes too.
    if (request.getSession(false) != null) {
      request.changeSessionId();
    }
    csrfTokens.saveToken(null, request, response);
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        UsernamePasswordAuthenticationToken.authenticated(
            account.get(), null, List.of(new SimpleGrantedAuthority("ROLE_" + ROLE))));
    SecurityContextHolder.setContext(context);
    contexts.saveContext(context, request, response);
    log.info("billing sign-in account={}", account.get());
    return "redirect:" + afterSignIn(request, response);
  }
}
