package dev.walletworker.worker.billing;

import com.samskivert.mustache.Mustache;
import dev.walletworker.db.Database;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.signin.SignInLinks;
import dev.walletworker.worker.WorkerProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The owner's billing pages under {@code /billing}: their own security filter chain (a session made
 * by an emailed sign-in link, CSRF on every form, strict headers). Every other path — the wallet
 * and metering APIs with their key filter, Stripe's webhooks — matches no chain, so Spring Security
 * passes it straight on: a permit-all chain for them ran seven filters, each observed by
 * Micrometer, on every metering request (a profile of the metering benchmark put half of a
 * request's CPU there).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@Import({
  SignInController.class,
  OverviewController.class,
  TopUpController.class,
  SettingsController.class,
  TransactionsController.class,
  ApiKeysController.class,
  ConfirmPaymentController.class,
  PageModel.class
})
public class BillingConfiguration {

  @Bean
  SignInLinks signInLinks(
      Database database, MailOutbox mail, Clock clock, WorkerProperties properties) {
    WorkerProperties.Billing billing = properties.billing();
    return new SignInLinks(
        database,
        mail,
        clock,
        billing.signInLinkLifetime(),
        billing.signInMaxRequests(),
        billing.signInWindow());
  }

  /**
   * Boot's compiler with one change: a value a page does not set renders as nothing (an error
   * message that is absent), rather than failing the page.
   */
  @Bean
  Mustache.Compiler mustacheCompiler(Mustache.TemplateLoader loader) {
    return Mustache.compiler().withLoader(loader).defaultValue("").emptyStringIsFalse(true);
  }

  @Bean
  HttpSessionSecurityContextRepository securityContextRepository() {
    return new HttpSessionSecurityContextRepository();
  }

  @Bean
  HttpSessionCsrfTokenRepository csrfTokenRepository() {
    return new HttpSessionCsrfTokenRepository();
  }

  @Bean
  @Order(1)
  SecurityFilterChain billingPages(
      HttpSecurity http,
      HttpSessionSecurityContextRepository contexts,
      HttpSessionCsrfTokenRepository csrfTokens,
      WorkerProperties properties)
      throws Exception {
    String csp = contentSecurityPolicy(properties);
    http.securityMatcher("/billing", "/billing/**")
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(
                        "/billing/sign-in", "/billing/sign-in/**", "/billing/assets/**")
                    .permitAll()
                    .anyRequest()
                    .hasRole(SignInController.ROLE))
        .securityContext(context -> context.securityContextRepository(contexts))
        .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens))
        .exceptionHandling(
            errors ->
                errors
                    .authenticationEntryPoint(
                        new LoginUrlAuthenticationEntryPoint("/billing/sign-in"))
                    .accessDeniedHandler(BillingConfiguration::refused))
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
        .logout(
            logout ->
                logout
                    .logoutUrl("/billing/sign-out")
                    .logoutSuccessUrl("/billing/sign-in?signed-out")
                    .deleteCookies("wallet_session"))
        .headers(
            headers ->
                headers
                    .contentSecurityPolicy(policy -> policy.policyDirectives(csp))
                    .frameOptions(frames -> frames.deny())
                    .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
    return http.build();
  }

  /**
   * A form whose CSRF token does not match: after a session that ended (its cookie names a session
   * that no longer exists) the owner is sent to sign in again; otherwise refused, with a page.
   */
  private static void refused(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    if (denied instanceof CsrfException
        && request.getRequestedSessionId() != null
        && !request.isRequestedSessionIdValid()) {
      response.sendRedirect("/billing/sign-in?expired");
      return;
    }
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType("text/html;charset=UTF-8");
    response
        .getWriter()
        .write(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Refused · Wallet billing</title>"
                + "<link rel=\"stylesheet\" href=\"/billing/assets/billing.css\"></head>"
                + "<body><main id=\"main\"><h1>Refused</h1><p id=\"message\">This form was"
                + " not sent from its page (its security token is missing or out of date);"
                + " nothing was changed.</p><p><a href=\"/billing\">Back to billing</a></p>"
                + "</main></body></html>");
  }

  /**
   * No inline script or style anywhere; scripts from this server and Stripe.js's origin; forms may
   * post here and be sent on to Checkout (a form's redirects count as its target); no framing.
   */
  static String contentSecurityPolicy(WorkerProperties properties) {
    String stripeJs = origin(properties.billing().stripeJsUrl());
    String api = origin(properties.stripe().apiBase());
    Set<String> checkout = new LinkedHashSet<>();
    checkout.add("'self'");
    checkout.add("https://checkout.stripe.com");
    checkout.add(api);
    Set<String> frames = new LinkedHashSet<>(Set.of(stripeJs, "https://hooks.stripe.com"));
    return "default-src 'self'; script-src 'self' "
        + stripeJs
        + "; style-src 'self'; img-src 'self' data:; connect-src 'self' "
        + api
        + " "
        + stripeJs
        + "; frame-src "
        + String.join(" ", frames)
        + "; form-action "
        + String.join(" ", checkout)
        + "; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getAuthority();
  }
}
