package dev.walletworker.worker.http;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.metering.UsageGroupCommit;
import dev.walletworker.metering.UsageRecorder;
import dev.walletworker.stripe.StripePayments;
import dev.walletworker.topup.CheckoutTopUps;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.checkout.CheckoutStarter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The daemon's HTTP endpoints on {@code API_PORT}: the wallet API, the metering API, Stripe's
 * webhooks and the OpenAPI document.
 */
@Configuration(proxyBeanMethods = false)
@Import({
  StripeWebhookController.class,
  WalletApiController.class,
  UsageController.class,
  OpenApiController.class,
  ApiErrors.class
})
public class HttpConfiguration {

  @Bean
  FilterRegistrationBean<ApiAuthFilter> apiAuthFilter(
      ApiKeys keys, ServiceKeys serviceKeys, WorkerProperties properties) {
    FilterRegistrationBean<ApiAuthFilter> registration =
        new FilterRegistrationBean<>(
            new ApiAuthFilter(
                keys,
                serviceKeys,
                properties.api().maxBodyBytes(),
                properties.metering().maxBodyBytes()));
    registration.addUrlPatterns("/v1/*");
    return registration;
  }

  /** The metering API, ahead of every other filter (see {@link MeteringApiFilter} for why). */
  @Bean
  FilterRegistrationBean<MeteringApiFilter> meteringApiFilter(
      FilterRegistrationBean<ApiAuthFilter> apiAuthFilter,
      UsageGroupCommit commit,
      HoldTransfers transfers,
      WorkerProperties properties,
      Clock clock,
      ObjectProvider<MeterRegistry> metrics,
      DispatcherServlet dispatcher) {
    MeterRegistry registry = metrics.getIfAvailable(SimpleMeterRegistry::new);
    FilterRegistrationBean<MeteringApiFilter> registration =
        new FilterRegistrationBean<>(
            new MeteringApiFilter(
                apiAuthFilter.getFilter(),
                new UsageEndpoint(commit, properties.metering(), clock, registry),
                new HoldsEndpoint(transfers, properties.metering()),
                dispatcher,
                registry));
    registration.addUrlPatterns(MeteringApiFilter.PATTERNS);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /** Top-ups through Stripe Checkout, for the API and the billing pages alike. */
  @Bean
  CheckoutStarter checkoutStarter(
      Accounts accounts, StripePayments stripe, CheckoutTopUps checkouts) {
    return new CheckoutStarter(accounts, stripe, checkouts);
  }

  /** Usage events of concurrent requests committed together (closed after the web server). */
  @Bean(destroyMethod = "close")
  UsageGroupCommit usageGroupCommit(UsageRecorder recorder, WorkerProperties properties) {
    return new UsageGroupCommit(
        recorder,
        properties.metering().writers(),
        properties.metering().maxGroup(),
        properties.metering().gather());
  }
}
