package dev.walletworker.topup;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import dev.walletworker.stripe.StripeAmount;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code payment_reviews} table: money Stripe took that was not credited because crediting it
 * automatically would be wrong. Each is opened once per Stripe object and reason, in the
 * transaction that decided not to credit, and stays open until a person resolves it.
 */
public final class PaymentReviews {

  private static final Logger log = LoggerFactory.getLogger(PaymentReviews.class);
  static final int MAX_RESOLUTION = 500;

  /** One review as ops see it. */
  public record Review(
      long id,
      ReviewReason reason,
      String stripeObjectId,
      String stripeEventId,
      String accountId,
      String attemptId,
      String checkoutTopUpId,
      StripeAmount paid,
      BigDecimal expectedAmount,
      String expectedCurrency,
      String message,
      Instant createdAt,
      Instant resolvedAt,
      String resolution) {

    public boolean isOpen() {
      return resolvedAt == null;
    }
  }

  /** What a new review says; {@code paid} and the expected amount may be unknown (null). */
  record Opening(
      ReviewReason reason,
      String stripeObjectId,
      String stripeEventId,
      String accountId,
      String attemptId,
      String checkoutTopUpId,
      StripeAmount paid,
      BigDecimal expectedAmount,
      String expectedCurrency,
      String message) {}

  private final Database db;
  private final TopUpAttempts attempts;
  private final Clock clock;

  public PaymentReviews(Database db, TopUpAttempts attempts, Clock clock) {
    this.db = db;
    this.attempts = attempts;
    this.clock = clock;
  }

  /**
   * Opens a review in the caller's transaction, and says so in the log for operators; false when
   * this object already has one for this reason.
   */
  boolean open(Opening o) {
    int inserted =
        db.jdbc()
            .sql(
                "INSERT INTO payment_reviews (reason, stripe_object_id, stripe_event_id, account_id,"
                    + " attempt_id, checkout_topup_id, paid_minor, paid_currency, expected_amount,"
                    + " expected_currency, message, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (stripe_object_id, reason) DO NOTHING")
            .params(
                o.reason().code(),
                o.stripeObjectId(),
                o.stripeEventId(),
                o.accountId() == null ? null : Texts.abbreviate(o.accountId()),
                o.attemptId(),
                o.checkoutTopUpId(),
                o.paid() == null ? null : o.paid().minor(),
                o.paid() == null ? null : o.paid().currency(),
                o.expectedAmount(),
                o.expectedCurrency(),
                o.message(),
                Timestamp.from(clock.instant()))
            .update();
    if (inserted == 1) {
      log.error(
          "payment needs review reason={} account={} stripe_object={} paid={} expected={} {}: {}",
          o.reason().code(),
          Texts.abbreviate(o.accountId()),
          o.stripeObjectId(),
          o.paid(),
          o.expectedAmount() == null ? "-" : Amounts.format(o.expectedAmount()),
          o.expectedCurrency() == null ? "" : o.expectedCurrency(),
          o.message());
    }
    return inserted == 1;
  }

  /** Newest first; open ones only unless {@code all}. */
  public List<Review> list(boolean all, int limit) {
    return db.jdbc()
        .sql(
            "SELECT * FROM payment_reviews WHERE (? OR resolved_at IS NULL)"
                + " ORDER BY id DESC LIMIT ?")
        .params(all, limit)
        .query(PaymentReviews::map)
        .list();
  }

  /** How many reviews are open. */
  public int openCount() {
    return db.jdbc()
        .sql("SELECT count(*) FROM payment_reviews WHERE resolved_at IS NULL")
        .query(Integer.class)
        .single();
  }

  /**
   * Closes a review with what the person decided. An auto top-up attempt held for it is failed with
   * that note: crediting the money, if right, is a separate, referenced ledger credit.
   */
  public Review resolve(long id, String resolution) {
    String note = Texts.clean(resolution, "note", MAX_RESOLUTION, true);
    return db.inTransaction(
        () -> {
          Review review =
              db.jdbc()
                  .sql("SELECT * FROM payment_reviews WHERE id = ? FOR UPDATE")
                  .param(id)
                  .query(PaymentReviews::map)
                  .optional()
                  .orElseThrow(
                      () ->
                          new WalletException(
                              ErrorType.INVALID_REQUEST, "no payment review " + id, "id"));
          if (!review.isOpen()) {
            throw new WalletException(
                ErrorType.INVALID_REQUEST,
                "payment review " + id + " was already resolved: " + review.resolution(),
                "id");
          }
          db.jdbc()
              .sql("UPDATE payment_reviews SET resolved_at = ?, resolution = ? WHERE id = ?")
              .params(Timestamp.from(clock.instant()), note, id)
              .update();
          if (review.attemptId() != null) {
            attempts
                .find(review.attemptId())
                .filter(a -> a.status() == AttemptStatus.NEEDS_REVIEW)
                .ifPresent(
                    a ->
                        attempts.move(
                            a, AttemptStatus.FAILED, null, "resolved_by_ops", note, null));
          }
          log.info(
              "payment review resolved id={} reason={} account={} stripe_object={}",
              id,
              review.reason().code(),
              review.accountId(),
              review.stripeObjectId());
          return db.jdbc()
              .sql("SELECT * FROM payment_reviews WHERE id = ?")
              .param(id)
              .query(PaymentReviews::map)
              .single();
        });
  }

  private static Review map(ResultSet rs, int row) throws SQLException {
    String paidCurrency = rs.getString("paid_currency");
    long paidMinor = rs.getLong("paid_minor");
    boolean paidKnown = !rs.wasNull() && paidCurrency != null;
    Timestamp resolved = rs.getTimestamp("resolved_at");
    return new Review(
        rs.getLong("id"),
        ReviewReason.fromCode(rs.getString("reason")),
        rs.getString("stripe_object_id"),
        rs.getString("stripe_event_id"),
        rs.getString("account_id"),
        rs.getString("attempt_id"),
        rs.getString("checkout_topup_id"),
        paidKnown ? StripeAmount.of(paidMinor, paidCurrency) : null,
        rs.getBigDecimal("expected_amount"),
        rs.getString("expected_currency"),
        rs.getString("message"),
        rs.getTimestamp("created_at").toInstant(),
        resolved == null ? null : resolved.toInstant(),
        rs.getString("resolution"));
  }
}
