package dev.walletworker.worker.cli;

import dev.walletworker.Amounts;
import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.topup.AttemptStatus;
import dev.walletworker.topup.CheckoutTopUps;
import dev.walletworker.topup.PaymentReviews;
import dev.walletworker.topup.TopUpAttempt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "topups",
    description =
        "Show top-ups: auto top-up attempts, Checkout top-ups, and payments waiting for a person.",
    mixinStandardHelpOptions = true)
final class TopUpsCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List auto top-up attempts, newest first.")
  static final class ListTopUps extends DatabaseCommand {
    private static final List<String> STATUSES =
        Arrays.stream(AttemptStatus.values()).map(AttemptStatus::code).toList();

    @Option(names = "--account", paramLabel = "ID", description = "Only this account's attempts.")
    String account;

    // The values are listed in the description: as a label they would not fit the synopsis line.
    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description =
            "Only the attempts in this status: pending, succeeded, failed, requires_action or"
                + " needs_review.")
    String status;

    @Mixin LimitOption limit;

    ListTopUps(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkOneOf("--status", status, STATUSES);
      checkLimit(limit.value, LimitOption.MAX);
      return context -> {
        List<TopUpAttempt> attempts = context.topUpAttempts().recent(account, status, limit.value);
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder text =
            new StringBuilder(
                String.format(
                    "%-28s  %-22s  %-15s  %9s  %-30s  %-20s  %s%n",
                    "ATTEMPT",
                    "ACCOUNT",
                    "STATUS",
                    "AMOUNT",
                    "PAYMENT INTENT",
                    "CREATED",
                    "FAILURE"));
        for (TopUpAttempt a : attempts) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", a.id());
          row.put("account", a.accountId());
          row.put("status", a.status().code());
          row.put("amount", Views.money(a.amount()));
          row.put("currency", a.currency());
          row.put("payment_intent", a.paymentIntentId());
          row.put("requests", a.requests());
          row.put("failure_code", a.failureCode());
          row.put("failure_message", a.failureMessage());
          row.put("created_at", Views.time(a.createdAt()));
          row.put("resolved_at", Views.time(a.resolvedAt()));
          json.add(row);
          text.append(
              String.format(
                  "%-28s  %-22s  %-15s  %9s  %-30s  %-20s  %s%n",
                  a.id(),
                  a.accountId(),
                  a.status().code(),
                  Amounts.format(a.amount()),
                  a.paymentIntentId() == null ? "-" : a.paymentIntentId(),
                  Views.time(a.createdAt()),
                  a.failureCode() == null ? "" : a.failureCode()));
        }
        return new Output(
            Map.of("attempts", json),
            attempts.isEmpty() ? "no attempts" : text.toString().stripTrailing());
      };
    }
  }

  @Command(
      name = "checkouts",
      mixinStandardHelpOptions = true,
      description = "List the top-ups started through Stripe Checkout, newest first.")
  static final class ListCheckouts extends DatabaseCommand {
    private static final List<String> STATUSES =
        Arrays.stream(CheckoutTopUps.Status.values()).map(CheckoutTopUps.Status::code).toList();

    @Option(
        names = "--account",
        paramLabel = "ID",
        description = "Only this account's Checkout top-ups.")
    String account;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "Only the top-ups in this status: open, credited, expired or needs_review.")
    String status;

    @Mixin LimitOption limit;

    ListCheckouts(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkOneOf("--status", status, STATUSES);
      checkLimit(limit.value, LimitOption.MAX);
      return context -> {
        List<CheckoutTopUps.CheckoutTopUp> topUps =
            context
                .checkoutTopUps()
                .recent(
                    account,
                    status == null ? null : CheckoutTopUps.Status.fromCode(status),
                    limit.value);
        List<Map<String, Object>> json = new ArrayList<>();
        String format = "%-28s  %-22s  %-12s  %9s  %-3s  %7s  %-20s  %s%n";
        StringBuilder text =
            new StringBuilder(
                String.format(
                    format,
                    "TOP-UP",
                    "ACCOUNT",
                    "STATUS",
                    "AMOUNT",
                    "CUR",
                    "BONUS",
                    "CREATED",
                    "TRANSACTION"));
        for (CheckoutTopUps.CheckoutTopUp t : topUps) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", t.id());
          row.put("account", t.accountId());
          row.put("status", t.status().code());
          row.put("amount", Views.money(t.amount()));
          row.put("bonus", Views.money(t.bonus()));
          row.put("currency", t.currency());
          row.put("checkout_session", t.sessionId());
          row.put("transaction", t.transactionId());
          row.put("created_at", Views.time(t.createdAt()));
          row.put("completed_at", Views.time(t.completedAt()));
          json.add(row);
          text.append(
              String.format(
                  format,
                  t.id(),
                  t.accountId(),
                  t.status().code(),
                  Amounts.format(t.amount()),
                  t.currency(),
                  Amounts.format(t.bonus()),
                  Views.time(t.createdAt()),
                  t.transactionId() == null ? "-" : t.transactionId()));
        }
        return new Output(
            Map.of("checkout_topups", json),
            topUps.isEmpty() ? "no checkout top-ups" : text.toString().stripTrailing());
      };
    }
  }

  @Command(
      name = "reviews",
      mixinStandardHelpOptions = true,
      description =
          "Payments Stripe took that were not credited automatically and wait for a person"
              + " (open ones unless --all).")
  static final class ListReviews extends DatabaseCommand {

    @Option(names = "--all", description = "Resolved reviews too.")
    boolean all;

    @Mixin LimitOption limit;

    ListReviews(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkLimit(limit.value, LimitOption.MAX);
      return context -> {
        List<PaymentReviews.Review> reviews = context.paymentReviews().list(all, limit.value);
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (PaymentReviews.Review r : reviews) {
          json.add(review(r));
          text.append(
                  String.format(
                      "#%d  %s  %s  %s  account %s%n",
                      r.id(),
                      Views.time(r.createdAt()),
                      r.reason().code(),
                      r.stripeObjectId(),
                      r.accountId() == null ? "-" : r.accountId()))
              .append("    ")
              .append(r.message())
              .append(System.lineSeparator())
              .append(
                  r.isOpen()
                      ? "    open: resolve with bin/worker topups resolve " + r.id() + " --note …"
                      : "    resolved " + Views.time(r.resolvedAt()) + ": " + r.resolution())
              .append(System.lineSeparator());
        }
        return new Output(
            Map.of("reviews", json),
            reviews.isEmpty()
                ? (all ? "no payment reviews" : "no open payment reviews")
                : text.toString().stripTrailing());
      };
    }
  }

  @Command(
      name = "resolve",
      mixinStandardHelpOptions = true,
      description =
          "Closes a payment review with what was decided. An auto top-up attempt held for it is"
              + " failed with that note; a credit, if one is due, is made separately with wallet"
              + " credit and the Stripe id as its reference.")
  static final class ResolveReview extends DatabaseCommand {

    @Parameters(index = "0", paramLabel = "REVIEW", description = "The review's number.")
    long id;

    @Option(
        names = "--note",
        required = true,
        paramLabel = "TEXT",
        description = "What was decided and done (at most 500 characters).")
    String note;

    @Mixin OperatorOption operator;

    ResolveReview(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      String who = operator.name();
      return context ->
          context.audited(
              () -> {
                PaymentReviews.Review r = context.paymentReviews().resolve(id, note);
                Map<String, Object> before = new LinkedHashMap<>();
                before.put("resolution", null);
                context
                    .auditLog()
                    .record(
                        new AuditLog.Change(
                            who,
                            AuditAction.REVIEW_RESOLVE,
                            "payment_review",
                            Long.toString(r.id()),
                            r.accountId(),
                            r.resolution(),
                            before,
                            Map.of("resolution", r.resolution()),
                            r.attemptId()));
                return new Output(review(r), "review #" + r.id() + " resolved: " + r.resolution());
              });
    }
  }

  private static Map<String, Object> review(PaymentReviews.Review r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", r.id());
    row.put("reason", r.reason().code());
    row.put("stripe_object", r.stripeObjectId());
    row.put("stripe_event", r.stripeEventId());
    row.put("account", r.accountId());
    row.put("attempt", r.attemptId());
    row.put("checkout_topup", r.checkoutTopUpId());
    row.put("paid_amount", r.paid() == null ? null : Views.money(r.paid().decimal()));
    row.put("paid_currency", r.paid() == null ? null : r.paid().currency());
    row.put("expected_amount", Views.money(r.expectedAmount()));
    row.put("expected_currency", r.expectedCurrency());
    row.put("message", r.message());
    row.put("created_at", Views.time(r.createdAt()));
    row.put("resolved_at", Views.time(r.resolvedAt()));
    row.put("resolution", r.resolution());
    return row;
  }
}
