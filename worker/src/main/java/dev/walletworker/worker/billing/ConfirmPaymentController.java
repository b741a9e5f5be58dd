package dev.walletworker.worker.billing;

import dev.walletworker.stripe.StripePayments;
import dev.walletworker.topup.AttemptStatus;
import dev.walletworker.topup.TopUpAttempt;
import dev.walletworker.topup.TopUpAttempts;
import dev.walletworker.worker.WorkerProperties;
import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Where the "action required" email sends the owner: Stripe.js confirms the PaymentIntent with its
 * client secret, and Stripe's webhook then credits the wallet. Only the PaymentIntent's own account
 * can open the page; for any other it does not exist.
 */
@Controller
class ConfirmPaymentController {

  private final TopUpAttempts attempts;
  private final StripePayments stripe;
  private final WorkerProperties.Billing billing;

  ConfirmPaymentController(
      TopUpAttempts attempts, StripePayments stripe, WorkerProperties properties) {
    this.attempts = attempts;
    this.stripe = stripe;
    this.billing = properties.billing();
  }

  @GetMapping("/billing/confirm-payment")
  String confirm(
      Principal principal,
      @RequestParam(name = "payment_intent", required = false) String paymentIntent,
      Model model) {
    String account = PageModel.account(principal);
    TopUpAttempt attempt =
        (paymentIntent == null || !paymentIntent.matches("pi_[A-Za-z0-9_]{1,250}")
                ? java.util.Optional.<TopUpAttempt>empty()
                : attempts.findByPaymentIntent(paymentIntent))
            .filter(a -> a.accountId().equals(account))
            .orElseThrow(() -> new NotFound("This account has no such payment to confirm."));
    model.addAttribute("title", "Confirm payment");
    model.addAttribute("amount", PageModel.money(attempt.amount(), attempt.currency()));
    boolean waiting = attempt.status() == AttemptStatus.REQUIRES_ACTION;
    model.addAttribute("waiting", waiting);
    model.addAttribute("succeeded", attempt.status() == AttemptStatus.SUCCEEDED);
    model.addAttribute("status", attempt.status().code());
    String key = billing.stripePublishableKey();
    boolean configured = key != null && !key.isBlank();
    model.addAttribute("configured", configured);
    if (waiting && configured) {
      stripe
          .clientSecret(attempt.paymentIntentId())
          .ifPresent(
              secret -> {
                model.addAttribute("clientSecret", secret);
                model.addAttribute("publishableKey", key);
                model.addAttribute("stripeJsUrl", billing.stripeJsUrl());
              });
      model.addAttribute("unavailable", !model.containsAttribute("clientSecret"));
    }
    return "billing/confirm-payment";
  }
}
