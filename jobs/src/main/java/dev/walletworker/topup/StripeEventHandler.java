package dev.walletworker.topup;

import dev.walletworker.db.Database;
import dev.walletworker.ledger.BonusTiers;
import dev.walletworker.ledger.Posting;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.mail.MailKind;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.stripe.ChargeOutcome;
import dev.walletworker.stripe.WebhookEvent;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on Stripe's events, each at most once (the event id is recorded in the same transaction):
 * PaymentIntent events settle auto top-up attempts (in whatever order they arrive: a state only
 * moves forward), and a completed Checkout Session credits the manual top-up with its bonus.
 */
public final class StripeEventHandler {

  private static final Logger log = LoggerFactory.getLogger(StripeEventHandler.class);

  /** What became of an event. */
  public enum Result {
    HANDLED,
    DUPLICATE,
    IGNORED
  }

  private final Database db;
  private final TopUpAttempts attempts;
  private final TopUpOutcomes outcomes;
  private final dev.walletworker.ledger.Ledger ledger;
  private final MailOutbox mail;
  private final Clock clock;

  public StripeEventHandler(
      Database db,
      TopUpAttempts attempts,
      TopUpOutcomes outcomes,
      dev.walletworker.ledger.Ledger ledger,
      MailOutbox mail,
      Clock clock) {
    this.db = db;
    this.attempts = attempts;
    this.outcomes = outcomes;
    this.ledger = ledger;
    this.mail = mail;
    this.clock = clock;
  }

  public Result handle(WebhookEvent event) {
    return db.inTransaction(
        () -> {
          int fresh =
              db.jdbc()
                  .sql(
                      "INSERT INTO stripe_events (id, type, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
                  .params(event.id(), event.type(), Timestamp.from(clock.instant()))
                  .update();
          if (fresh == 0) {
            log.info("stripe event already handled event={} type={}", event.id(), event.type());
            return Result.DUPLICATE;
          }
          Result result =
              switch (event.type()) {
                case "payment_intent.succeeded",
                    "payment_intent.payment_failed",
                    "payment_intent.canceled" ->
                    settle(event);
                case "checkout.session.completed", "checkout.session.async_payment_succeeded" ->
                    creditCheckout(event);
                default -> Result.IGNORED;
              };
          log.info(
              "stripe event event={} type={} object={} result={}",
              event.id(),
              event.type(),
              event.objectId(),
              result);
          return result;
        });
  }

  private Result settle(WebhookEvent event) {
    Optional<TopUpAttempt> attempt =
        attempts
            .findByPaymentIntent(event.objectId())
            .or(
                () ->
                    Optional.ofNullable(event.metadata().get("attempt_id"))
                        .flatMap(attempts::find));
    if (attempt.isEmpty() || attempt.get().status().isFinal()) {
      return Result.IGNORED;
    }
    ChargeOutcome outcome = event.payment();
    if (outcome instanceof ChargeOutcome.RequiresAction
        && attempt.get().status() == AttemptStatus.REQUIRES_ACTION) {
      return Result.IGNORED;
    }
    return outcomes.record(attempt.get(), outcome) ? Result.HANDLED : Result.IGNORED;
  }

  private Result creditCheckout(WebhookEvent event) {
    String account = event.metadata().get("account_id");
    if (!"paid".equals(event.paymentStatus()) || account == null || event.amountTotal() == null) {
      return Result.IGNORED;
    }
    BigDecimal amount = BigDecimal.valueOf(event.amountTotal()).movePointLeft(2);
    boolean known =
        db.jdbc()
            .sql("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .param(account)
            .query(Boolean.class)
            .single();
    try {
      BonusTiers.quote(amount);
    } catch (dev.walletworker.WalletException e) {
      known = false;
    }
    if (!known) {
      // Retrying would not help; an operator must look at it.
      log.error(
          "checkout session paid but not creditable session={} account={} amount={}: check it by hand",
          event.objectId(),
          account,
          amount);
      return Result.IGNORED;
    }
    // The session id is the ledger reference: a second credit for it cannot happen.
    Posting posting =
        ledger.credit(account, amount, TransactionType.TOPUP, "Credit top-up", event.objectId());
    if (!posting.replayed()) {
      Map<String, Object> payload = new HashMap<>();
      payload.put("amount", amount);
      payload.put("bonus", posting.bonus() == null ? BigDecimal.ZERO : posting.bonus().amount());
      payload.put("bonus_percent", BonusTiers.quote(amount).bonusPercent());
      payload.put("balance", posting.balanceAfter());
      payload.put(
          "currency",
          event.currency() == null ? "USD" : event.currency().toUpperCase(java.util.Locale.ROOT));
      payload.put("payment_intent", event.objectId());
      payload.put("automatic", false);
      mail.enqueue(MailKind.TOPUP_RECEIPT, account, event.objectId(), payload);
    }
    return Result.HANDLED;
  }
}
