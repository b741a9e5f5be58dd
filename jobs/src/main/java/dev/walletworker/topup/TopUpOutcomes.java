package dev.walletworker.topup;

import dev.walletworker.Amounts;
import dev.walletworker.Durations;
import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.BonusTiers;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.Posting;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import dev.walletworker.stripe.ChargeOutcome;
import dev.walletworker.stripe.StripeAmount;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what Stripe said about an attempt, each outcome in one transaction with everything it
 * causes: the credit (referencing the PaymentIntent, which the ledger accepts once), the wallet's
 * failure state, and the owner's email.
 */
public final class TopUpOutcomes {

  private static final Logger log = LoggerFactory.getLogger(TopUpOutcomes.class);

  private final Database db;
  private final Wallets wallets;
  private final TopUpAttempts attempts;
  private final PaymentReviews reviews;
  private final Ledger ledger;
  private final MailOutbox mail;
  private final TopUpSettings settings;
  private final String dashboardUrl;
  private final Clock clock;

  public TopUpOutcomes(
      Database db,
      TopUpAttempts attempts,
      PaymentReviews reviews,
      Ledger ledger,
      MailOutbox mail,
      TopUpSettings settings,
      String dashboardUrl,
      Clock clock) {
    this.db = db;
    this.wallets = new Wallets(db);
    this.attempts = attempts;
    this.reviews = reviews;
    this.ledger = ledger;
    this.mail = mail;
    this.settings = settings;
    this.dashboardUrl =
        dashboardUrl.endsWith("/")
            ? dashboardUrl.substring(0, dashboardUrl.length() - 1)
            : dashboardUrl;
    this.clock = clock;
  }

  /**
   * Records {@code outcome} for {@code attempt}; false when it was already resolved, or waits for a
   * person (needs_review), whom no answer from Stripe overrules.
   */
  public boolean record(TopUpAttempt attempt, ChargeOutcome outcome) {
    if (!attempt.status().awaitsStripe()) {
      return false;
    }
    return db.inTransaction(
        () -> {
          if (outcome instanceof ChargeOutcome.Succeeded s) {
            return succeed(attempt, s.paymentIntentId(), s.paid());
          } else if (outcome instanceof ChargeOutcome.Declined d) {
            return decline(attempt, d);
          } else if (outcome instanceof ChargeOutcome.RequiresAction r) {
            return requireAction(attempt, r.paymentIntentId());
          } else if (outcome instanceof ChargeOutcome.Processing p) {
            return wait(attempt, p.paymentIntentId(), "processing at Stripe");
          } else {
            return wait(attempt, null, ((ChargeOutcome.Unknown) outcome).reason());
          }
        });
  }

  /** An attempt that never reached Stripe and should not: failed without a charge or a penalty. */
  boolean cancel(TopUpAttempt attempt, String reason) {
    return db.inTransaction(
        () -> {
          boolean moved =
              attempts.move(
                  attempt, AttemptStatus.FAILED, null, reason, "not charged: " + reason, null);
          if (moved) {
            log.info(
                "auto top-up canceled before charging account={} attempt={} reason={}",
                attempt.accountId(),
                attempt.id(),
                reason);
          }
          return moved;
        });
  }

  /**
   * Stripe never heard of an attempt we could not get an answer for in time: failed, no penalty.
   */
  boolean giveUp(TopUpAttempt attempt) {
    return db.inTransaction(
        () -> {
          boolean moved =
              attempts.move(
                  attempt,
                  AttemptStatus.FAILED,
                  null,
                  "stripe_unreachable",
                  "no answer from Stripe and no charge found for this attempt",
                  null);
          if (moved) {
            log.error(
                "auto top-up attempt given up account={} attempt={}: Stripe never answered and has no charge for it",
                attempt.accountId(),
                attempt.id());
          }
          return moved;
        });
  }

  private boolean succeed(TopUpAttempt attempt, String paymentIntentId, StripeAmount paid) {
    Optional<ReviewReason> wrong =
        ReviewReason.mismatch(paid, attempt.amount(), attempt.currency());
    if (wrong.isPresent()) {
      return holdForReview(attempt, paymentIntentId, paid, wrong.get());
    }
    if (!attempts.move(attempt, AttemptStatus.SUCCEEDED, paymentIntentId, null, null, null)) {
      return false;
    }
    BigDecimal charged = attempt.amount();
    Posting posting =
        ledger.credit(
            attempt.accountId(), charged, TransactionType.TOPUP, "Auto top-up", paymentIntentId);
    wallets.clearDeclines(attempt.accountId());
    MailPayload.TopUpReceipt receipt =
        new MailPayload.TopUpReceipt(
            charged,
            posting.bonus() == null ? BigDecimal.ZERO : posting.bonus().amount(),
            BonusTiers.quote(charged).bonusPercent(),
            posting.balanceAfter(),
            attempt.currency(),
            paymentIntentId,
            true);
    mail.enqueue(attempt.accountId(), paymentIntentId, receipt);
    log.info(
        "auto top-up succeeded account={} attempt={} payment_intent={} amount={} bonus={} balance={}",
        attempt.accountId(),
        attempt.id(),
        paymentIntentId,
        Amounts.format(charged),
        Amounts.format(receipt.bonus()),
        Amounts.format(posting.balanceAfter()));
    return true;
  }

  /**
   * Stripe took money that is not what the attempt asked for (another currency or amount): nothing
   * is credited, the attempt waits for a person, and no new attempt is made meanwhile.
   */
  private boolean holdForReview(
      TopUpAttempt attempt, String paymentIntentId, StripeAmount paid, ReviewReason reason) {
    String message =
        "charged "
            + paid
            + " for an auto top-up of "
            + Amounts.format(attempt.amount())
            + " "
            + attempt.currency();
    if (!attempts.move(
        attempt, AttemptStatus.NEEDS_REVIEW, paymentIntentId, reason.code(), message, null)) {
      return false;
    }
    reviews.open(
        new PaymentReviews.Opening(
            reason,
            paymentIntentId,
            null,
            attempt.accountId(),
            attempt.id(),
            null,
            paid,
            attempt.amount(),
            attempt.currency(),
            message));
    return true;
  }

  private boolean decline(TopUpAttempt attempt, ChargeOutcome.Declined declined) {
    String code = declined.declineCode() != null ? declined.declineCode() : declined.code();
    if (!attempts.move(
        attempt,
        AttemptStatus.FAILED,
        declined.paymentIntentId(),
        code,
        declined.message(),
        null)) {
      return false;
    }
    Instant coolDownEnd = clock.instant().plus(settings.cooldown());
    Wallets.Declined wallet = wallets.recordDecline(attempt.accountId(), coolDownEnd);
    int failures = wallet.failures();
    String reason = DeclineReasons.words(declined.declineCode(), declined.code());
    MailPayload.Decline decline =
        new MailPayload.Decline(
            attempt.amount(),
            attempt.currency(),
            wallet.balance(),
            code,
            reason,
            failures,
            settings.maxFailures(),
            Durations.words(settings.cooldown()));
    if (failures >= settings.maxFailures()) {
      wallets.switchOffAutoTopUp(
          attempt.accountId(), failures + " declined charges in a row (last: " + code + ")");
      mail.enqueue(attempt.accountId(), attempt.id(), new MailPayload.TopUpDisabled(decline));
      log.warn(
          "auto top-up switched off account={} attempt={} after {} declines (last {})",
          attempt.accountId(),
          attempt.id(),
          failures,
          code);
    } else {
      mail.enqueue(attempt.accountId(), attempt.id(), new MailPayload.TopUpFailed(decline));
      log.warn(
          "auto top-up declined account={} attempt={} code={} failures={}/{} retry_after={}",
          attempt.accountId(),
          attempt.id(),
          code,
          failures,
          settings.maxFailures(),
          coolDownEnd);
    }
    return true;
  }

  private boolean requireAction(TopUpAttempt attempt, String paymentIntentId) {
    if (attempt.status() == AttemptStatus.REQUIRES_ACTION) {
      // Still waiting for the owner: look again later, or give up after the timeout.
      if (attempt.createdAt().plus(settings.actionTimeout()).isBefore(clock.instant())) {
        return decline(
            attempt,
            new ChargeOutcome.Declined(
                paymentIntentId,
                "authentication_not_completed",
                null,
                "The owner did not confirm the payment in time."));
      }
      attempts.retryAt(
          attempt,
          clock.instant().plus(settings.retryMax()),
          paymentIntentId,
          "waiting for the owner to authenticate");
      return false;
    }
    if (!attempts.move(
        attempt,
        AttemptStatus.REQUIRES_ACTION,
        paymentIntentId,
        "authentication_required",
        "The bank asks the owner to authenticate this payment.",
        clock.instant().plus(settings.retryMax()))) {
      return false;
    }
    mail.enqueue(
        attempt.accountId(),
        attempt.id(),
        new MailPayload.ActionRequired(
            attempt.amount(),
            attempt.currency(),
            ledger.balance(attempt.accountId()),
            dashboardUrl + "/billing/confirm-payment?payment_intent=" + paymentIntentId));
    log.warn(
        "auto top-up needs the owner's authentication account={} attempt={} payment_intent={}",
        attempt.accountId(),
        attempt.id(),
        paymentIntentId);
    return true;
  }

  private boolean wait(TopUpAttempt attempt, String paymentIntentId, String reason) {
    Instant next = clock.instant().plus(settings.retryDelay(Math.max(1, attempt.requests() + 1)));
    attempts.retryAt(attempt, next, paymentIntentId, reason);
    log.warn(
        "auto top-up outcome unknown account={} attempt={} request={} next_try={} reason={}",
        attempt.accountId(),
        attempt.id(),
        attempt.requests() + 1,
        next,
        reason);
    return false;
  }
}
