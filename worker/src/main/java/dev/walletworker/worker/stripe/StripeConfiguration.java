package dev.walletworker.worker.stripe;

import dev.walletworker.stripe.StripePayments;
import dev.walletworker.stripe.StripeWebhooks;
import dev.walletworker.topup.TopUpSettings;
import dev.walletworker.worker.WorkerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one Stripe client, built from configuration, and what uses it besides the jobs. */
@Configuration(proxyBeanMethods = false)
public class StripeConfiguration {

  @Bean
  StripePayments stripePayments(WorkerProperties properties) {
    WorkerProperties.Stripe stripe = properties.stripe();
    return StripePayments.create(
        stripe.apiKey(),
        stripe.apiBase(),
        stripe.connectTimeout(),
        stripe.readTimeout(),
        stripe.networkRetries(),
        stripe.maxRequestsPerSecond());
  }

  @Bean
  StripeWebhooks stripeWebhooks(StripePayments payments, WorkerProperties properties) {
    return new StripeWebhooks(
        payments,
        properties.stripe().webhookSecret(),
        properties.stripe().webhookTolerance().toSeconds());
  }

  @Bean
  TopUpSettings topUpSettings(WorkerProperties properties) {
    return properties.topup();
  }
}
