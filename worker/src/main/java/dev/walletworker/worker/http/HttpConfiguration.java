package dev.walletworker.worker.http;

import dev.walletworker.account.ApiKeys;
import dev.walletworker.worker.WorkerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The daemon's HTTP endpoints on {@code API_PORT}: the wallet API and Stripe's webhooks. */
@Configuration(proxyBeanMethods = false)
@Import({StripeWebhookController.class, WalletApiController.class, ApiErrors.class})
public class HttpConfiguration {

  @Bean
  FilterRegistrationBean<ApiAuthFilter> apiAuthFilter(ApiKeys keys, WorkerProperties properties) {
    FilterRegistrationBean<ApiAuthFilter> registration =
        new FilterRegistrationBean<>(new ApiAuthFilter(keys, properties.api().maxBodyBytes()));
    registration.addUrlPatterns("/v1/*");
    return registration;
  }
}
