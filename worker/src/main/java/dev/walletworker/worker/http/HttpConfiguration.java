package dev.walletworker.worker.http;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The daemon's HTTP endpoints on {@code API_PORT}. */
@Configuration(proxyBeanMethods = false)
@Import(StripeWebhookController.class)
public class HttpConfiguration {}
