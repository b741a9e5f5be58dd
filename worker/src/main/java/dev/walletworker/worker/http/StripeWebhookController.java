package dev.walletworker.worker.http;

import dev.walletworker.WalletException;
import dev.walletworker.stripe.StripeWebhooks;
import dev.walletworker.stripe.WebhookEvent;
import dev.walletworker.topup.StripeEventHandler;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/webhooks/stripe}: Stripe's events. A forged, stale or malformed delivery is a 400
 * and changes nothing; a repeated event is a 200 and changes nothing; a failure while acting is a
 * 500, so Stripe delivers it again.
 */
@RestController
class StripeWebhookController {

  private static final Logger log = LoggerFactory.getLogger(StripeWebhookController.class);

  private final StripeWebhooks webhooks;
  private final StripeEventHandler handler;

  StripeWebhookController(StripeWebhooks webhooks, StripeEventHandler handler) {
    this.webhooks = webhooks;
    this.handler = handler;
  }

  @PostMapping(path = "/v1/webhooks/stripe")
  ResponseEntity<String> receive(
      @RequestBody(required = false) String payload,
      @RequestHeader(name = "Stripe-Signature", required = false) String signature) {
    if (!webhooks.isConfigured()) {
      log.error("stripe webhook refused: STRIPE_WEBHOOK_SECRET is not set");
      return ApiJson.error(
          HttpStatus.SERVICE_UNAVAILABLE,
          "internal_error",
          "webhooks are not configured (STRIPE_WEBHOOK_SECRET)",
          null);
    }
    WebhookEvent event;
    try {
      event = webhooks.verify(payload == null ? "" : payload, signature);
    } catch (WalletException e) {
      log.warn("stripe webhook rejected: {}", e.getMessage());
      // The API's vocabulary: the same type and param as any other malformed request.
      return ApiJson.error(HttpStatus.BAD_REQUEST, e.type().code(), e.getMessage(), e.param());
    }
    StripeEventHandler.Result result = handler.handle(event);
    return ApiJson.ok(
        Map.of("received", true, "result", result.name().toLowerCase(java.util.Locale.ROOT)));
  }
}
