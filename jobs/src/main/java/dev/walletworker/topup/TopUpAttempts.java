package dev.walletworker.topup;

import dev.walletworker.Ids;
import dev.walletworker.account.DailyTopUpCap;
import dev.walletworker.account.Wallets;
import dev.walletworker.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The attempt rows: claiming a crossing, leasing an attempt for a call, moving its state. */
public final class TopUpAttempts {

  private final Database db;
  private final Wallets wallets;
  private final Clock clock;

  public TopUpAttempts(Database db, Clock clock) {
    this.db = db;
    this.wallets = new Wallets(db);
    this.clock = clock;
  }

  /**
   * Commits a pending attempt for the account if it still needs one: active, below its threshold
   * with a card on file, not cooling down, under the daily cap, and no attempt in flight (the
   * unique index settles races between claimers). Returns the attempt id, or empty.
   */
  Optional<String> claim(String accountId, int dailyCap) {
    String id = "tpa_" + Ids.random(24);
    Timestamp now = Timestamp.from(clock.instant());
    int inserted =
        db.jdbc()
            .sql(
                "INSERT INTO topup_attempts (id, account_id, status, amount, currency, stripe_customer_id,"
                    + " payment_method_id, idempotency_key, next_try_at, created_at, updated_at)"
                    + " SELECT ?, w.account_id, 'pending', w.auto_topup_amount, w.currency, w.stripe_customer_id,"
                    + " w.stripe_payment_method_id, ?, ?, ?, ?"
                    + " FROM wallets w JOIN accounts a ON a.id = w.account_id"
                    + " WHERE w.account_id = ? AND a.status = 'active' AND "
                    + Wallets.AUTO_TOPUP_CANDIDATE
                    + " AND (w.auto_topup_retry_after IS NULL OR w.auto_topup_retry_after <= ?)"
                    + " AND "
                    + DailyTopUpCap.COUNT
                    + " < ?"
                    + " ON CONFLICT (account_id) WHERE status IN ('pending', 'requires_action', 'needs_review')"
                    + " DO NOTHING")
            .params(
                id,
                "topup-" + id,
                now,
                now,
                now,
                accountId,
                now,
                Timestamp.from(DailyTopUpCap.since(clock.instant())),
                dailyCap)
            .update();
    return inserted == 1 ? Optional.of(id) : Optional.empty();
  }

  /**
   * When the account has had {@code dailyCap} automatic top-ups in the last 24 hours: the oldest of
   * them (its id names the capped window). Empty when under the cap.
   */
  Optional<String> capWindow(String accountId, int dailyCap) {
    List<String> recent =
        db.jdbc()
            .sql(
                "SELECT id FROM topup_attempts WHERE account_id = ? AND status = 'succeeded'"
                    + " AND created_at > ? ORDER BY created_at")
            .params(accountId, Timestamp.from(DailyTopUpCap.since(clock.instant())))
            .query(String.class)
            .list();
    return recent.size() >= dailyCap ? Optional.of(recent.get(0)) : Optional.empty();
  }

  /** The wallet's balance, currency and auto top-up amount, for an email. */
  java.util.Map<String, Object> wallet(String accountId) {
    return wallets.topUpFacts(accountId);
  }

  /** Attempts whose next step is due, oldest first. */
  List<TopUpAttempt> due(AttemptStatus status, int limit) {
    return db.jdbc()
        .sql(
            "SELECT * FROM topup_attempts WHERE status = ? AND next_try_at <= ?"
                + " ORDER BY next_try_at, id LIMIT ?")
        .params(status.code(), Timestamp.from(clock.instant()), limit)
        .query(TopUpAttempts::map)
        .list();
  }

  /**
   * Leases a due attempt for one request to Stripe and records that the request is being made
   * (committed before the call). False when another runner has it.
   */
  boolean lease(TopUpAttempt attempt, Duration lease) {
    Instant now = clock.instant();
    return db.inTransaction(
        () ->
            db.jdbc()
                    .sql(
                        "UPDATE topup_attempts SET requests = requests + 1,"
                            + " charge_requested_at = coalesce(charge_requested_at, ?),"
                            + " next_try_at = ?, updated_at = ?"
                            + " WHERE id = ? AND status = ? AND next_try_at <= ?")
                    .params(
                        Timestamp.from(now),
                        Timestamp.from(now.plus(lease)),
                        Timestamp.from(now),
                        attempt.id(),
                        attempt.status().code(),
                        Timestamp.from(now))
                    .update()
                == 1);
  }

  /**
   * Why an attempt that never reached Stripe should not be charged after all, or null to charge it:
   * the account was blocked, auto top-up was switched off, the card changed, or the balance is no
   * longer below the threshold.
   */
  String reasonNotToCharge(TopUpAttempt attempt) {
    return wallets.reasonNotToCharge(attempt.accountId(), attempt.paymentMethodId());
  }

  public Optional<TopUpAttempt> find(String id) {
    return db.jdbc()
        .sql("SELECT * FROM topup_attempts WHERE id = ?")
        .param(id)
        .query(TopUpAttempts::map)
        .optional();
  }

  public Optional<TopUpAttempt> findByPaymentIntent(String paymentIntentId) {
    return db.jdbc()
        .sql("SELECT * FROM topup_attempts WHERE payment_intent_id = ?")
        .param(paymentIntentId)
        .query(TopUpAttempts::map)
        .optional();
  }

  /**
   * Attempts still waiting for an answer (pending) or for a person (needs_review) that were made
   * before {@code before}, oldest first: what the ops overview puts at the top.
   */
  public List<TopUpAttempt> waitingSince(Instant before, int limit) {
    return db.jdbc()
        .sql(
            "SELECT * FROM topup_attempts WHERE status IN ('pending', 'needs_review')"
                + " AND created_at < ? ORDER BY created_at, id LIMIT ?")
        .params(java.sql.Timestamp.from(before), limit)
        .query(TopUpAttempts::map)
        .list();
  }

  /** The account's attempts, newest first ({@code accountId} null: all accounts). */
  public List<TopUpAttempt> recent(String accountId, String status, int limit) {
    return db.jdbc()
        .sql(
            "SELECT * FROM topup_attempts WHERE (?::text IS NULL OR account_id = ?)"
                + " AND (?::text IS NULL OR status = ?) ORDER BY created_at DESC, id LIMIT ?")
        .params(accountId, accountId, status, status, limit)
        .query(TopUpAttempts::map)
        .list();
  }

  /**
   * Moves an attempt from the state it was read in to {@code to}, if that move is legal and nobody
   * moved it first. Runs in the caller's transaction.
   */
  boolean move(
      TopUpAttempt attempt,
      AttemptStatus to,
      String paymentIntentId,
      String failureCode,
      String failureMessage,
      Instant nextTryAt) {
    if (!attempt.status().canMoveTo(to)) {
      throw new IllegalStateException(
          "attempt "
              + attempt.id()
              + " cannot move from "
              + attempt.status().code()
              + " to "
              + to.code());
    }
    Instant now = clock.instant();
    return db.jdbc()
            .sql(
                "UPDATE topup_attempts SET status = ?, payment_intent_id = coalesce(?, payment_intent_id),"
                    + " failure_code = ?, failure_message = ?, next_try_at = coalesce(?, next_try_at),"
                    + " resolved_at = ?, updated_at = ? WHERE id = ? AND status = ?")
            .params(
                to.code(),
                paymentIntentId,
                failureCode,
                failureMessage,
                nextTryAt == null ? null : Timestamp.from(nextTryAt),
                to.isFinal() ? Timestamp.from(now) : null,
                Timestamp.from(now),
                attempt.id(),
                attempt.status().code())
            .update()
        == 1;
  }

  /** Leaves the attempt as it is, to be asked about again at {@code next}. */
  void retryAt(TopUpAttempt attempt, Instant next, String paymentIntentId, String note) {
    db.jdbc()
        .sql(
            "UPDATE topup_attempts SET next_try_at = ?, payment_intent_id = coalesce(?, payment_intent_id),"
                + " failure_message = ?, updated_at = ? WHERE id = ? AND status = ?")
        .params(
            Timestamp.from(next),
            paymentIntentId,
            note,
            Timestamp.from(clock.instant()),
            attempt.id(),
            attempt.status().code())
        .update();
  }

  static TopUpAttempt map(ResultSet rs, int row) throws SQLException {
    return new TopUpAttempt(
        rs.getString("id"),
        rs.getString("account_id"),
        AttemptStatus.fromCode(rs.getString("status")),
        rs.getBigDecimal("amount"),
        rs.getString("currency"),
        rs.getString("stripe_customer_id"),
        rs.getString("payment_method_id"),
        rs.getString("idempotency_key"),
        rs.getString("payment_intent_id"),
        instant(rs.getTimestamp("charge_requested_at")),
        rs.getInt("requests"),
        instant(rs.getTimestamp("next_try_at")),
        rs.getString("failure_code"),
        rs.getString("failure_message"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("resolved_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
