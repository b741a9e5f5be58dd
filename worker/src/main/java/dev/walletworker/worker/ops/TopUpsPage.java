package dev.walletworker.worker.ops;

import dev.walletworker.db.Database;
import dev.walletworker.topup.AttemptStatus;
import dev.walletworker.topup.PaymentReviews;
import dev.walletworker.topup.TopUpAttempt;
import dev.walletworker.topup.TopUpAttempts;
import dev.walletworker.worker.WorkerProperties;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /ops/top-ups}: automatic top-up attempts by status, with their Stripe ids, decline codes,
 * account, and what happens next (the next question to Stripe, the cool-down, the owner's
 * authentication deadline, the daily cap).
 */
@Controller
class TopUpsPage {

  private static final int LIMIT = 200;
  private static final List<String> STATUSES =
      Arrays.stream(AttemptStatus.values()).map(AttemptStatus::code).toList();

  private final TopUpAttempts attempts;
  private final PaymentReviews reviews;
  private final WorkerProperties.TopUp settings;

  TopUpsPage(Database database, Clock clock, WorkerProperties properties) {
    this.attempts = new TopUpAttempts(database, clock);
    this.reviews = new PaymentReviews(database, attempts, clock);
    this.settings = properties.topup();
  }

  @GetMapping("/ops/top-ups")
  String attempts(@RequestParam(defaultValue = "") String status, Model model) {
    String filter = OpsPageModel.statusFilter(status, STATUSES);
    model.addAttribute("title", "Top-ups");
    model.addAttribute(
        "statuses",
        STATUSES.stream()
            .map(code -> Map.of("code", code, "selected", code.equals(filter)))
            .toList());
    List<Map<String, Object>> rows =
        attempts.recent(null, filter, LIMIT).stream().map(a -> attempt(a, settings)).toList();
    model.addAttribute("attempts", rows);
    model.addAttribute("empty", rows.isEmpty());
    List<Map<String, Object>> open =
        reviews.list(false, LIMIT).stream().map(TopUpsPage::review).toList();
    model.addAttribute("reviews", open);
    model.addAttribute("hasReviews", !open.isEmpty());
    model.addAttribute("dailyCap", settings.dailyCap());
    model.addAttribute("cooldown", dev.walletworker.Durations.words(settings.cooldown()));
    model.addAttribute("maxFailures", settings.maxFailures());
    return "ops/top-ups";
  }

  /** An open payment review: what Stripe took, what was expected, and how a person closes it. */
  static Map<String, Object> review(PaymentReviews.Review r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", r.id());
    row.put("reason", r.reason().code());
    row.put("account", r.accountId() == null ? "" : r.accountId());
    row.put("stripeObject", r.stripeObjectId());
    row.put("paid", r.paid() == null ? "" : r.paid().toString());
    row.put(
        "expected",
        r.expectedAmount() == null
            ? ""
            : OpsPageModel.money(r.expectedAmount(), r.expectedCurrency()));
    row.put("message", r.message());
    row.put("created", OpsPageModel.time(r.createdAt()));
    return row;
  }

  /** One attempt's row; what happens next follows from {@code settings}. */
  static Map<String, Object> attempt(TopUpAttempt a, WorkerProperties.TopUp settings) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", a.id());
    row.put("account", a.accountId());
    row.put("status", a.status().code());
    row.put("amount", OpsPageModel.money(a.amount(), a.currency()));
    row.put("paymentIntent", a.paymentIntentId());
    row.put("customer", a.customerId());
    row.put("declineCode", a.failureCode());
    row.put("declineMessage", a.failureMessage());
    row.put("created", OpsPageModel.time(a.createdAt()));
    row.put("requests", a.requests());
    row.put("next", next(a, settings));
    return row;
  }

  private static String next(TopUpAttempt a, WorkerProperties.TopUp settings) {
    return switch (a.status()) {
      case PENDING ->
          a.nextTryAt() == null
              ? "being charged"
              : "Stripe asked again at "
                  + OpsPageModel.time(a.nextTryAt())
                  + " (same idempotency key)";
      case REQUIRES_ACTION ->
          "waits for the owner to authenticate until "
              + OpsPageModel.time(a.createdAt().plus(settings.actionTimeout()));
      case FAILED ->
          a.resolvedAt() == null
              ? "no retry of this attempt"
              : "cool-down: no new attempt before "
                  + OpsPageModel.time(a.resolvedAt().plus(settings.cooldown()));
      case NEEDS_REVIEW -> "a person resolves its review (bin/worker topups reviews)";
      case SUCCEEDED -> "credited";
    };
  }
}
