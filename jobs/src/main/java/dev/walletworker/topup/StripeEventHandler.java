package dev.walletworker.topup;

import dev.walletworker.Amounts;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.Posting;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import dev.walletworker.stripe.ChargeOutcome;
import dev.walletworker.stripe.StripeAmount;
import dev.walletworker.stripe.WebhookEvent;
import dev.walletworker.topup.CheckoutTopUps.CheckoutTopUp;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on Stripe's events, each at most once (the event id is recorded in the same transaction):
 * PaymentIntent events settle auto top-up attempts (in whatever order they arrive: a state only
 * moves forward), and a paid Checkout Session credits the Checkout top-up it belongs to — only one
 * the wallet API started, with the amount and bonus recorded then. Money that cannot be credited as
 * it stands (another currency or amount, a session nobody here started, a second completion that
 * disagrees) is acknowledged and becomes a payment review for a person.
 */
public final class StripeEventHandler {

  private static final Logger log = LoggerFactory.getLogger(StripeEventHandler.class);

  /** What became of an event. Every one of them is acknowledged to Stripe. */
  public enum Result {
    HANDLED,
    DUPLICATE,
    IGNORED,
    /** Not credited; a payment review was opened for a person. */
    NEEDS_REVIEW
  }

  private final Database db;
  private final StripeEvents events;
  private final TopUpAttempts attempts;
  private final TopUpOutcomes outcomes;
  private final CheckoutTopUps checkouts;
  private final PaymentReviews reviews;
  private final Ledger ledger;
  private final MailOutbox mail;
  private final Clock clock;

  public StripeEventHandler(
      Database db,
      TopUpAttempts attempts,
      TopUpOutcomes outcomes,
      CheckoutTopUps checkouts,
      PaymentReviews reviews,
      Ledger ledger,
      MailOutbox mail,
      Clock clock) {
    this.db = db;
    this.events = new StripeEvents(db);
    this.attempts = attempts;
    this.outcomes = outcomes;
    this.checkouts = checkouts;
    this.reviews = reviews;
    this.ledger = ledger;
    this.mail = mail;
    this.clock = clock;
  }

  public Result handle(WebhookEvent event) {
    return db.inTransaction(
        () -> {
          if (!events.recordFirst(event.id(), event.type(), clock.instant())) {
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
                    completeCheckout(event);
                case "checkout.session.expired" -> expireCheckout(event);
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
    if (attempt.isEmpty() || !attempt.get().status().awaitsStripe()) {
      return Result.IGNORED;
    }
    ChargeOutcome outcome = event.payment();
    if (outcome instanceof ChargeOutcome.RequiresAction
        && attempt.get().status() == AttemptStatus.REQUIRES_ACTION) {
      return Result.IGNORED;
    }
    if (!outcomes.record(attempt.get(), outcome)) {
      return Result.IGNORED;
    }
    return attempts.find(attempt.get().id()).map(TopUpAttempt::status).orElseThrow()
            == AttemptStatus.NEEDS_REVIEW
        ? Result.NEEDS_REVIEW
        : Result.HANDLED;
  }

  private Result completeCheckout(WebhookEvent event) {
    WebhookEvent.CheckoutPayment payment = event.checkout();
    if (!"paid".equals(payment.paymentStatus())) {
      // An asynchronous payment method: credited by checkout.session.async_payment_succeeded.
      return Result.IGNORED;
    }
    String named = event.metadata().get("account_id");
    Optional<CheckoutTopUp> found =
        checkouts.lockForSession(event.objectId(), event.metadata().get("topup_id"));
    if (found.isEmpty()) {
      if (named == null && event.metadata().get("kind") == null) {
        // Names nothing of ours: another product sold on the same Stripe account.
        log.info("checkout session not a wallet top-up session={}: ignored", event.objectId());
        return Result.IGNORED;
      }
      review(
          event,
          ReviewReason.UNKNOWN_SESSION,
          named,
          null,
          null,
          null,
          "a paid Checkout Session the wallet API never started (metadata.kind="
              + event.metadata().getOrDefault("kind", "none")
              + ")");
      return Result.NEEDS_REVIEW;
    }
    CheckoutTopUp topUp = found.get();
    Optional<ReviewReason> wrong =
        ReviewReason.mismatch(payment.paid(), topUp.amount(), topUp.currency());
    if (topUp.status() == CheckoutTopUps.Status.NEEDS_REVIEW) {
      log.info("checkout session already under review session={}", event.objectId());
      return Result.NEEDS_REVIEW;
    }
    if (topUp.status() == CheckoutTopUps.Status.CREDITED) {
      if (wrong.isEmpty()) {
        log.info(
            "checkout session already credited account={} session={} txn={}",
            topUp.accountId(),
            event.objectId(),
            topUp.transactionId());
        return Result.DUPLICATE;
      }
      review(
          event,
          ReviewReason.SESSION_CONFLICT,
          topUp.accountId(),
          topUp,
          topUp.amount(),
          topUp.currency(),
          "a second completion of a credited Checkout top-up, paid "
              + payment.paid()
              + " where the first credited "
              + Amounts.format(topUp.amount())
              + " "
              + topUp.currency());
      return Result.NEEDS_REVIEW;
    }
    // Open, or expired by our records and paid after all: paid money is credited either way.
    if (wrong.isPresent()) {
      checkouts.complete(topUp, event.objectId(), CheckoutTopUps.Status.NEEDS_REVIEW, null);
      review(
          event,
          wrong.get(),
          topUp.accountId(),
          topUp,
          topUp.amount(),
          topUp.currency(),
          "the session was paid "
              + payment.paid()
              + (payment.presented() == null ? "" : " (presented as " + payment.presented() + ")")
              + ", the top-up asked for "
              + Amounts.format(topUp.amount())
              + " "
              + topUp.currency());
      return Result.NEEDS_REVIEW;
    }
    // The session id is the ledger reference: a second credit for it cannot happen.
    Posting posting =
        ledger.creditTopUp(topUp.accountId(), topUp.quote(), "Credit top-up", event.objectId());
    checkouts.complete(
        topUp, event.objectId(), CheckoutTopUps.Status.CREDITED, posting.transaction().id());
    if (!posting.replayed()) {
      mail.enqueue(
          topUp.accountId(),
          event.objectId(),
          new MailPayload.TopUpReceipt(
              topUp.amount(),
              posting.bonus() == null ? BigDecimal.ZERO : posting.bonus().amount(),
              topUp.bonusPercent(),
              posting.balanceAfter(),
              topUp.currency(),
              event.objectId(),
              false));
    }
    log.info(
        "checkout top-up credited account={} topup={} session={} amount={} {} bonus={}",
        topUp.accountId(),
        topUp.id(),
        event.objectId(),
        Amounts.format(topUp.amount()),
        topUp.currency(),
        Amounts.format(topUp.bonus()));
    return Result.HANDLED;
  }

  private Result expireCheckout(WebhookEvent event) {
    Optional<CheckoutTopUp> found =
        checkouts.lockForSession(event.objectId(), event.metadata().get("topup_id"));
    if (found.isEmpty()
        || !checkouts.complete(
            found.get(), event.objectId(), CheckoutTopUps.Status.EXPIRED, null)) {
      return Result.IGNORED;
    }
    log.info(
        "checkout top-up expired unpaid account={} topup={}",
        found.get().accountId(),
        found.get().id());
    return Result.HANDLED;
  }

  private void review(
      WebhookEvent event,
      ReviewReason reason,
      String accountId,
      CheckoutTopUp topUp,
      BigDecimal expectedAmount,
      String expectedCurrency,
      String message) {
    StripeAmount paid = event.checkout() == null ? null : event.checkout().paid();
    reviews.open(
        new PaymentReviews.Opening(
            reason,
            event.objectId(),
            event.id(),
            accountId,
            null,
            topUp == null ? null : topUp.id(),
            paid,
            expectedAmount,
            expectedCurrency,
            message));
  }
}
