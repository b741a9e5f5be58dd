package dev.walletworker.topup;

import dev.walletworker.Ids;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.TopUpQuote;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code checkout_topups} table: each Checkout top-up the wallet API started, recorded before
 * Stripe is asked for its session, with the amount and bonus the owner was quoted. Only these
 * sessions are credited, and with exactly these amounts.
 */
public final class CheckoutTopUps {

  /** The states of a Checkout top-up: open until Stripe says it was paid, expired or wrong. */
  public enum Status {
    OPEN,
    CREDITED,
    EXPIRED,
    NEEDS_REVIEW;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status fromCode(String code) {
      return valueOf(code.toUpperCase(Locale.ROOT));
    }
  }

  /** One Checkout top-up. */
  public record CheckoutTopUp(
      String id,
      String accountId,
      BigDecimal amount,
      BigDecimal bonus,
      int bonusPercent,
      String currency,
      String sessionId,
      Status status,
      String transactionId,
      Instant createdAt,
      Instant completedAt) {

    /** The quote the owner accepted when it started. */
    public TopUpQuote quote() {
      return new TopUpQuote(amount.setScale(2), bonusPercent, bonus.setScale(2));
    }
  }

  private final Database db;
  private final Clock clock;

  public CheckoutTopUps(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Records a Checkout top-up about to be started at Stripe (committed before the request). */
  public CheckoutTopUp start(String accountId, TopUpQuote quote, String currency) {
    String id = "ctu_" + Ids.random(24);
    db.jdbc()
        .sql(
            "INSERT INTO checkout_topups (id, account_id, amount, bonus, bonus_percent, currency,"
                + " status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)")
        .params(
            id,
            accountId,
            quote.amount(),
            quote.bonus(),
            quote.bonusPercent(),
            currency,
            Timestamp.from(clock.instant()))
        .update();
    return find(id).orElseThrow();
  }

  /** Notes the session Stripe created for the top-up. */
  public void sessionCreated(String id, String sessionId) {
    db.jdbc()
        .sql("UPDATE checkout_topups SET session_id = ? WHERE id = ? AND session_id IS NULL")
        .params(sessionId, id)
        .update();
  }

  /**
   * The top-up a session pays for, locked for the caller's transaction: by the session id, or by
   * the top-up id in the session's metadata when the worker stopped before it noted the session
   * (then only if that top-up has no other session).
   */
  Optional<CheckoutTopUp> lockForSession(String sessionId, String topUpId) {
    Optional<CheckoutTopUp> bySession =
        db.jdbc()
            .sql("SELECT * FROM checkout_topups WHERE session_id = ? FOR UPDATE")
            .param(sessionId)
            .query(CheckoutTopUps::map)
            .optional();
    if (bySession.isPresent() || topUpId == null) {
      return bySession;
    }
    return db.jdbc()
        .sql(
            "SELECT * FROM checkout_topups WHERE id = ? AND (session_id IS NULL OR session_id = ?)"
                + " FOR UPDATE")
        .params(topUpId, sessionId)
        .query(CheckoutTopUps::map)
        .optional();
  }

  /**
   * Moves an open top-up to {@code to} (an expired one only to credited or needs_review: paid after
   * all); false when it had already moved.
   */
  boolean complete(CheckoutTopUp topUp, String sessionId, Status to, String transactionId) {
    return db.jdbc()
            .sql(
                "UPDATE checkout_topups SET status = ?, session_id = coalesce(session_id, ?),"
                    + " transaction_id = ?, completed_at = ? WHERE id = ?"
                    + " AND (status = 'open' OR (status = 'expired' AND ? <> 'expired'))")
            .params(
                to.code(),
                sessionId,
                transactionId,
                Timestamp.from(clock.instant()),
                topUp.id(),
                to.code())
            .update()
        == 1;
  }

  public Optional<CheckoutTopUp> find(String id) {
    return db.jdbc()
        .sql("SELECT * FROM checkout_topups WHERE id = ?")
        .param(id)
        .query(CheckoutTopUps::map)
        .optional();
  }

  /** The account's Checkout top-ups, newest first ({@code accountId} null: all accounts). */
  public List<CheckoutTopUp> recent(String accountId, Status status, int limit) {
    String code = status == null ? null : status.code();
    return db.jdbc()
        .sql(
            "SELECT * FROM checkout_topups WHERE (?::text IS NULL OR account_id = ?)"
                + " AND (?::text IS NULL OR status = ?) ORDER BY created_at DESC, id LIMIT ?")
        .params(accountId, accountId, code, code, limit)
        .query(CheckoutTopUps::map)
        .list();
  }

  private static CheckoutTopUp map(ResultSet rs, int row) throws SQLException {
    Timestamp completed = rs.getTimestamp("completed_at");
    return new CheckoutTopUp(
        rs.getString("id"),
        rs.getString("account_id"),
        rs.getBigDecimal("amount"),
        rs.getBigDecimal("bonus"),
        rs.getInt("bonus_percent"),
        rs.getString("currency"),
        rs.getString("session_id"),
        Status.fromCode(rs.getString("status")),
        rs.getString("transaction_id"),
        rs.getTimestamp("created_at").toInstant(),
        completed == null ? null : completed.toInstant());
  }
}
