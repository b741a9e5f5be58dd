package dev.walletworker.worker.http;

import dev.walletworker.account.ApiKeys;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.metering.UsageGroupCommit;
import dev.walletworker.metering.UsageRecorder;
import dev.walletworker.worker.WorkerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

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

  /** Usage events of concurrent requests committed together (closed after the web server). */
  @Bean(destroyMethod = "close")
  UsageGroupCommit usageGroupCommit(UsageRecorder recorder, WorkerProperties properties) {
    return new UsageGroupCommit(
        recorder, properties.metering().writers(), properties.metering().maxGroup());
  }
}
