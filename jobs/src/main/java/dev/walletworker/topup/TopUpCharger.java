package dev.walletworker.topup;

import dev.walletworker.stripe.ChargeOutcome;
import dev.walletworker.stripe.OffSessionCharge;
import dev.walletworker.stripe.StripeAmount;
import dev.walletworker.stripe.StripePayments;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes due attempts to Stripe and records the answers. Exactly once: the attempt row and its
 * idempotency key were committed before the first request, every request for it carries that key,
 * and an unanswered attempt is only ever resolved by asking Stripe again (same key, or the
 * PaymentIntent, or a search by the attempt's metadata) — never by a new key.
 */
public final class TopUpCharger implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopUpCharger.class);

  private final TopUpAttempts attempts;
  private final TopUpOutcomes outcomes;
  private final StripePayments stripe;
  private final TopUpSettings settings;
  private final Clock clock;
  private final Duration lease;
  private final ExecutorService pool;
  // A slot per attempt in flight; the ids keep an attempt not yet leased from being taken twice.
  private final Semaphore slots;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  public TopUpCharger(
      TopUpAttempts attempts,
      TopUpOutcomes outcomes,
      StripePayments stripe,
      TopUpSettings settings,
      Clock clock,
      Duration requestTimeout) {
    this.attempts = attempts;
    this.outcomes = outcomes;
    this.stripe = stripe;
    this.settings = settings;
    this.clock = clock;
    // Outlives a request and stripe-java's retries of it, so a runner still waiting for Stripe
    // keeps its attempt; a runner that died loses it this long after its last request.
    this.lease = requestTimeout.multipliedBy(3).plusSeconds(5);
    this.slots = new Semaphore(settings.concurrency());
    this.pool =
        Executors.newFixedThreadPool(
            settings.concurrency(),
            runnable -> {
              Thread thread = new Thread(runnable, "topup-charge");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Takes up to one batch of due pending attempts to Stripe, {@code concurrency} at a time (each
   * attempt is one account's, leased on its own), and returns once the last of them is under way:
   * the next batch starts as charges of this one finish, with no pause for its slowest. Returns how
   * many it took; fewer than the batch size means none are left, and then every charge taken has
   * been recorded before it returns.
   */
  public int chargeDue() {
    int batch = settings.batchSize();
    // An attempt in flight reads as due until its lease commits, and one that finished after this
    // snapshot may have been read before it did: skip them all, and read that many more.
    Set<String> busy = Set.copyOf(inFlight);
    int limit = batch + busy.size();
    List<TopUpAttempt> found = attempts.due(AttemptStatus.PENDING, limit);
    List<TopUpAttempt> due =
        found.stream().filter(a -> !busy.contains(a.id())).limit(batch).toList();
    if (!due.isEmpty() && !stripe.isConfigured()) {
      throw new IllegalStateException(
          "STRIPE_API_KEY is not set: "
              + due.size()
              + " auto top-up attempts are waiting to be charged");
    }
    int taken = 0;
    for (TopUpAttempt attempt : due) {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      inFlight.add(attempt.id());
      pool.execute(
          () -> {
            try {
              chargeOne(attempt);
            } catch (RuntimeException e) {
              // The attempt stays leased and is taken up again when its lease runs out.
              log.error(
                  "auto top-up attempt could not be handled account={} attempt={}: {}",
                  attempt.accountId(),
                  attempt.id(),
                  e.toString());
            } finally {
              inFlight.remove(attempt.id());
              slots.release();
            }
          });
      taken++;
    }
    if (taken < batch) {
      awaitInFlight();
    }
    return taken;
  }

  /** Waits until every charge taken has been recorded (or given up on by its thread). */
  public void awaitInFlight() {
    int all = settings.concurrency();
    try {
      slots.acquire(all);
      slots.release(all);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void chargeOne(TopUpAttempt attempt) {
    if (attempt.chargeRequestedAt() == null) {
      String reason = attempts.reasonNotToCharge(attempt);
      if (reason != null) {
        outcomes.cancel(attempt, reason);
        return;
      }
    }
    if (!attempts.lease(attempt, lease)) {
      return;
    }
    ChargeOutcome outcome = ask(attempt);
    if (outcome != null) {
      outcomes.record(attempt, outcome);
    }
  }

  /** Lets charges in flight record their answers (for up to a lease), then stops. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(lease.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Asks Stripe again about attempts waiting for the owner's authentication. */
  public int reconcileActions() {
    List<TopUpAttempt> due = attempts.due(AttemptStatus.REQUIRES_ACTION, settings.batchSize());
    for (TopUpAttempt attempt : due) {
      if (!stripe.isConfigured() || !attempts.lease(attempt, lease)) {
        continue;
      }
      ChargeOutcome outcome =
          attempt.paymentIntentId() == null
              ? new ChargeOutcome.RequiresAction(null)
              : stripe.retrieve(attempt.paymentIntentId());
      outcomes.record(attempt, outcome);
    }
    return due.size();
  }

  /** What Stripe says about the attempt, or null when it was resolved without an answer. */
  private ChargeOutcome ask(TopUpAttempt attempt) {
    if (attempt.paymentIntentId() != null) {
      return stripe.retrieve(attempt.paymentIntentId());
    }
    Duration age = Duration.between(attempt.createdAt(), clock.instant());
    if (attempt.requests() > 0 && age.compareTo(settings.searchAfter()) > 0) {
      Optional<ChargeOutcome> found = stripe.findByMetadata("attempt_id", attempt.id());
      if (found.isPresent()) {
        log.info(
            "auto top-up attempt found at Stripe by metadata account={} attempt={}",
            attempt.accountId(),
            attempt.id());
        return found.get();
      }
      if (age.compareTo(settings.giveUpAfter()) > 0) {
        outcomes.giveUp(attempt);
        return null;
      }
    }
    return stripe.chargeOffSession(
        new OffSessionCharge(
            attempt.customerId(),
            attempt.paymentMethodId(),
            StripeAmount.from(attempt.amount(), attempt.currency()),
            attempt.idempotencyKey(),
            "Auto top-up of "
                + attempt.amount().setScale(2, java.math.RoundingMode.UNNECESSARY)
                + " "
                + attempt.currency(),
            Map.of(
                "account_id",
                attempt.accountId(),
                "attempt_id",
                attempt.id(),
                "kind",
                "auto_topup")));
  }
}
