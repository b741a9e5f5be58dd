package dev.walletworker.worker.ops;

import dev.walletworker.audit.AuditLog;
import dev.walletworker.db.Database;
import dev.walletworker.ops.OpsActions;
import dev.walletworker.ops.OpsUsers;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.scheduling.JobActions;
import dev.walletworker.worker.scheduling.JobControl;
import dev.walletworker.worker.scheduling.StoredSchedules;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The ops console's part in the daemon's own context: its domain services and its security filter
 * chain. The chain lives here because Spring Security's filter is the daemon's; the management
 * server's context runs the same filter (Boot registers it there), and the pages themselves are
 * only in that context ({@link OpsManagementConfiguration}), so they answer on {@code
 * MANAGEMENT_PORT} and nowhere else.
 *
 * <p>The chain matches a request only when the management server marked it ({@link
 * OpsRequestFilter}): on the API port {@code /ops} is an unknown path like any other, with no
 * sign-in form to try passwords on. On the management port it matches every request but the
 * actuator's, by decoded path, so that no spelling of a console path gets past it.
 */
@Configuration(proxyBeanMethods = false)
public class OpsConsoleConfiguration {

  static final String ROLE = "OPS";
  static final String SESSION_COOKIE = "ops_session";

  @Bean
  OpsUsers opsUsers(Database database, Clock clock) {
    return new OpsUsers(database, clock);
  }

  @Bean
  OpsActions opsActions(Database database, Clock clock) {
    return new OpsActions(database, clock);
  }

  @Bean
  JobActions jobActions(JobControl control, Database database, Clock clock) {
    return new JobActions(
        control,
        new StoredSchedules(database.dataSource()),
        new AuditLog(database, clock),
        database);
  }

  @Bean
  @Order(0)
  SecurityFilterChain opsConsole(
      HttpSecurity http,
      OpsUsers users,
      HttpSessionSecurityContextRepository contexts,
      HttpSessionCsrfTokenRepository csrfTokens,
      WorkerProperties properties)
      throws Exception {
    DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(userDetails(users));
    passwords.setPasswordEncoder(OpsPasswords.encoder());
    int timeout = (int) Math.min(Integer.MAX_VALUE, properties.ops().sessionTimeout().toSeconds());
    SavedRequestAwareAuthenticationSuccessHandler signedIn =
        new SavedRequestAwareAuthenticationSuccessHandler() {
          @Override
          public void onAuthenticationSuccess(
              HttpServletRequest request, HttpServletResponse response, Authentication auth)
              throws jakarta.servlet.ServletException, IOException {
            // The session Spring Security just renewed for the signed-in user ends after this
            // long idle (the container's default applies before sign-in).
            request.getSession().setMaxInactiveInterval(timeout);
            // Which user this is, beyond the name: RemovedUserFilter ends the session when the
            // name is removed and added again.
            users
                .find(auth.getName())
                .ifPresent(
                    user ->
                        request
                            .getSession()
                            .setAttribute(RemovedUserFilter.USER_CREATED_AT, user.createdAt()));
            super.onAuthenticationSuccess(request, response, auth);
          }
        };
    signedIn.setDefaultTargetUrl("/ops");
    http.securityMatcher(OpsRequestFilter::isConsoleRequest)
        .authenticationManager(new ProviderManager(passwords))
        .addFilterBefore(new RemovedUserFilter(users), AuthorizationFilter.class)
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/ops/sign-in", "/ops/assets/**")
                    .permitAll()
                    .anyRequest()
                    .hasRole(ROLE))
        .securityContext(context -> context.securityContextRepository(contexts))
        .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens))
        .formLogin(
            form ->
                form.loginPage("/ops/sign-in")
                    .loginProcessingUrl("/ops/sign-in")
                    .successHandler(signedIn)
                    .failureUrl("/ops/sign-in?error")
                    .permitAll())
        .exceptionHandling(
            errors ->
                errors
                    .authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/ops/sign-in"))
                    .accessDeniedHandler(OpsConsoleConfiguration::refused))
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
        .logout(
            logout ->
                logout
                    .logoutUrl("/ops/sign-out")
                    .logoutSuccessUrl("/ops/sign-in?signed-out")
                    .deleteCookies(SESSION_COOKIE))
        .headers(
            headers ->
                headers
                    .contentSecurityPolicy(
                        policy ->
                            policy.policyDirectives(
                                "default-src 'self'; style-src 'self'; img-src 'self' data:;"
                                    + " form-action 'self'; frame-ancestors 'none';"
                                    + " base-uri 'none'; object-src 'none'"))
                    .frameOptions(frames -> frames.deny())
                    .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
    return http.build();
  }

  private static UserDetailsService userDetails(OpsUsers users) {
    return name ->
        users
            .find(name)
            .map(
                user ->
                    User.withUsername(user.name())
                        .password(user.passwordHash())
                        .roles(ROLE)
                        .build())
            .orElseThrow(() -> new UsernameNotFoundException("no such ops user"));
  }

  /** A form without its CSRF token (or with a stale one): refused with a page, nothing changed. */
  private static void refused(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType("text/html;charset=UTF-8");
    response
        .getWriter()
        .write(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Refused · Wallet ops</title>"
                + "<link rel=\"stylesheet\" href=\"/ops/assets/billing.css\"></head>"
                + "<body><main id=\"main\"><h1>Refused</h1><p id=\"message\">This form was"
                + " not sent from its page (its security token is missing or out of date);"
                + " nothing was changed.</p><p><a href=\"/ops\">Back to the console</a></p>"
                + "</main></body></html>");
  }
}
