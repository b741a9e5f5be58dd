package dev.walletworker.worker.ops;

import dev.walletworker.worker.WorkerProperties;
import jakarta.servlet.SessionCookieConfig;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The ops console's pages, in the management server's own context (listed in {@code
 * META-INF/spring/...ManagementContextConfiguration.imports}): they exist on {@code
 * MANAGEMENT_PORT}, bound to {@code MANAGEMENT_ADDRESS} (loopback by default), and on no other
 * port. Their security chain is the daemon's ({@link OpsConsoleConfiguration}).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@Import({
  OpsPageModel.class,
  OpsSignInController.class,
  OverviewPage.class,
  JobsPage.class,
  AccountsPage.class,
  MailPage.class,
  TopUpsPage.class,
  HoldsPage.class,
  AuditPage.class
})
class OpsManagementConfiguration {

  @Bean
  OpsPageModel.Errors opsErrors() {
    return new OpsPageModel.Errors();
  }

  /** Before Spring Security's filter (order -100), so that its chain sees the mark. */
  @Bean
  FilterRegistrationBean<OpsRequestFilter> opsRequestFilter(WorkerProperties properties) {
    FilterRegistrationBean<OpsRequestFilter> registration =
        new FilterRegistrationBean<>(new OpsRequestFilter(properties.ops().remoteAccess()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /**
   * The console's session cookie: its own name and path, since browsers share cookies across the
   * ports of one host and the billing pages' {@code wallet_session} must not be overwritten.
   */
  @Bean
  ServletContextInitializer opsSessionCookie(WorkerProperties properties) {
    return servletContext -> {
      SessionCookieConfig cookie = servletContext.getSessionCookieConfig();
      cookie.setName(OpsConsoleConfiguration.SESSION_COOKIE);
      cookie.setPath("/ops");
      cookie.setHttpOnly(true);
      cookie.setAttribute("SameSite", "Strict");
      servletContext.setSessionTimeout(
          (int) Math.max(1, properties.ops().sessionTimeout().toMinutes()));
    };
  }

  /**
   * The billing pages' stylesheet, served here too: a page may load styles only from its origin.
   */
  @Bean
  WebMvcConfigurer opsAssets() {
    return new WebMvcConfigurer() {
      @Override
      public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry
            .addResourceHandler("/ops/assets/**")
            .addResourceLocations(
                "classpath:/static/ops/assets/", "classpath:/static/billing/assets/");
      }
    };
  }
}
