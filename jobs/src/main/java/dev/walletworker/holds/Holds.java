package dev.walletworker.holds;

import dev.walletworker.Ids;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.UsageDetail;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code holds} table: the only code with SQL against it, and the caller of the functions that
 * make and capture a hold in one statement ({@code create_hold}, {@code capture_hold} in
 * R__hold_transfers.sql). Every writer locks the wallet row first ({@link
 * dev.walletworker.account.Wallets}), then the hold, as the ledger does.
 */
public final class Holds {

  private final Database db;

  public Holds(Database db) {
    this.db = db;
  }

  static String newId() {
    return "hold_" + Ids.random(24);
  }

  /**
   * What {@code create_hold} decided (R__hold_transfers.sql): its outcome, the wallet as the
   * decision saw it (null without a wallet), and the hold, new or made earlier for the request id
   * (null when refused).
   */
  record Creation(
      String outcome,
      BigDecimal balance,
      BigDecimal held,
      String currency,
      String blockedReason,
      BigDecimal blockingLimit,
      BigDecimal monthSpend,
      Hold hold) {}

  /**
   * Makes {@code hold} (its id, request, amount, price and times) if the wallet allows it, or finds
   * the one made earlier for its request id: one statement, its own transaction.
   */
  Creation create(Hold hold, LocalDate month) {
    return db.jdbc()
        .sql(
            "SELECT f.outcome, f.balance, f.wallet_held, f.currency, f.blocked_reason,"
                + " f.blocking_limit, f.month_spend, (f.hold).*"
                + " FROM create_hold(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) AS f")
        .params(
            hold.id(),
            hold.accountId(),
            hold.requestId(),
            hold.amount(),
            hold.model(),
            hold.priceId(),
            hold.maxInputTokens(),
            hold.maxOutputTokens(),
            Timestamp.from(hold.createdAt()),
            Timestamp.from(hold.expiresAt()),
            Date.valueOf(month))
        .query(
            (rs, row) ->
                new Creation(
                    rs.getString("outcome"),
                    rs.getBigDecimal("balance"),
                    rs.getBigDecimal("wallet_held"),
                    rs.getString("currency"),
                    rs.getString("blocked_reason"),
                    rs.getBigDecimal("blocking_limit"),
                    rs.getBigDecimal("month_spend"),
                    rs.getString("id") == null ? null : map(rs, row)))
        .single();
  }

  /**
   * What {@code capture_hold} decided: its outcome, what it released, the hold as it is now (null
   * when not found) and its usage row's balance after.
   */
  record Capture(String outcome, BigDecimal released, Hold hold, BigDecimal balanceAfter) {}

  /**
   * Captures the hold for {@code cost} (posting one usage row, {@code transactionId}, with {@code
   * description} and {@code detail} when above 0) and releases what it still reserved: one
   * statement, its own transaction.
   */
  Capture capture(
      String holdId,
      String accountId,
      BigDecimal cost,
      String transactionId,
      String description,
      UsageDetail detail,
      Instant at,
      LocalDate month) {
    return db.jdbc()
        .sql(
            "SELECT f.outcome, f.released, f.balance_after, (f.hold).*"
                + " FROM capture_hold(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) AS f")
        .params(
            Arrays.asList(
                holdId,
                accountId,
                cost,
                transactionId,
                description,
                detail == null ? null : detail.model(),
                detail == null ? null : detail.inputTokens(),
                detail == null ? null : detail.outputTokens(),
                detail == null ? null : detail.cachedInputTokens(),
                detail == null ? null : detail.priceId(),
                Timestamp.from(at),
                Date.valueOf(month)))
        .query(
            (rs, row) ->
                new Capture(
                    rs.getString("outcome"),
                    rs.getBigDecimal("released"),
                    rs.getString("id") == null ? null : map(rs, row),
                    rs.getBigDecimal("balance_after")))
        .single();
  }

  public Optional<Hold> find(String holdId) {
    return db.jdbc()
        .sql("SELECT * FROM holds WHERE id = ?")
        .param(holdId)
        .query(Holds::map)
        .optional();
  }

  /** The account's hold made for the caller's {@code requestId}. */
  Optional<Hold> findByRequest(String accountId, String requestId) {
    return db.jdbc()
        .sql("SELECT * FROM holds WHERE account_id = ? AND request_id = ?")
        .params(accountId, requestId)
        .query(Holds::map)
        .optional();
  }

  /** The hold, locked until the transaction ends (the caller holds its wallet's lock already). */
  Optional<Hold> lock(String holdId) {
    return db.jdbc()
        .sql("SELECT * FROM holds WHERE id = ? FOR UPDATE")
        .param(holdId)
        .query(Holds::map)
        .optional();
  }

  /** An active hold leaves {@code held} for {@code status} (released or expired). */
  void settle(String holdId, HoldStatus status, Instant at) {
    db.jdbc()
        .sql(
            "UPDATE holds SET status = ?, settled_at = ?,"
                + " expired_at = CASE WHEN ? = 'expired' THEN ? ELSE expired_at END"
                + " WHERE id = ?")
        .params(status.code(), Timestamp.from(at), status.code(), Timestamp.from(at), holdId)
        .update();
  }

  /**
   * Up to {@code limit} active holds past their expiry at {@code now}, soonest first, but for those
   * in {@code skipped}.
   */
  List<Hold> due(Instant now, int limit, java.util.Set<String> skipped) {
    return db.jdbc()
        .sql(
            "SELECT * FROM holds WHERE status = 'held' AND expires_at <= ?"
                + " AND NOT (id = ANY (?)) ORDER BY expires_at LIMIT ?")
        .params(Timestamp.from(now), skipped.toArray(String[]::new), limit)
        .query(Holds::map)
        .list();
  }

  /** How many holds are active (read from the expiry job's partial index, not the whole table). */
  public long countActive() {
    return db.jdbc()
        .sql("SELECT count(*) FROM holds WHERE status = 'held'")
        .query(Long.class)
        .single();
  }

  /** How many active holds expired before {@code before} (the expiry job has not reached them). */
  public long countExpiredBefore(Instant before) {
    return db.jdbc()
        .sql("SELECT count(*) FROM holds WHERE status = 'held' AND expires_at < ?")
        .param(Timestamp.from(before))
        .query(Long.class)
        .single();
  }

  /** When the soonest active hold expires; empty when none is active. */
  public Optional<Instant> nextExpiry() {
    return db.jdbc()
        .sql("SELECT min(expires_at) FROM holds WHERE status = 'held'")
        .query(Timestamp.class)
        .optional()
        .map(Timestamp::toInstant);
  }

  /** Active holds, the soonest to expire first (the expiry job's index serves it). */
  public List<Hold> active(int limit) {
    return db.jdbc()
        .sql("SELECT * FROM holds WHERE status = 'held' ORDER BY expires_at, id LIMIT ?")
        .param(limit)
        .query(Holds::map)
        .list();
  }

  /** Holds newest first, of one account and one status if given (null: any). */
  public List<Hold> list(String accountId, HoldStatus status, int limit) {
    return db.jdbc()
        .sql(
            "SELECT * FROM holds WHERE (?::text IS NULL OR account_id = ?)"
                + " AND (?::text IS NULL OR status = ?) ORDER BY created_at DESC, id LIMIT ?")
        .params(
            accountId,
            accountId,
            status == null ? null : status.code(),
            status == null ? null : status.code(),
            limit)
        .query(Holds::map)
        .list();
  }

  /** How many holds are in each status (the demo's summary). */
  public java.util.Map<HoldStatus, Long> countByStatus() {
    java.util.Map<HoldStatus, Long> counts = new java.util.EnumMap<>(HoldStatus.class);
    for (HoldStatus s : HoldStatus.values()) {
      counts.put(s, 0L);
    }
    db.jdbc()
        .sql("SELECT status, count(*) FROM holds GROUP BY status")
        .query(
            rs -> {
              counts.put(HoldStatus.fromCode(rs.getString(1)), rs.getLong(2));
            });
    return counts;
  }

  static Hold map(ResultSet rs, int row) throws SQLException {
    Timestamp settled = rs.getTimestamp("settled_at");
    Timestamp expired = rs.getTimestamp("expired_at");
    return new Hold(
        rs.getString("id"),
        rs.getString("account_id"),
        rs.getString("request_id"),
        HoldStatus.fromCode(rs.getString("status")),
        rs.getBigDecimal("amount"),
        rs.getString("model"),
        rs.getString("price_id"),
        rs.getObject("max_input_tokens", Long.class),
        rs.getObject("max_output_tokens", Long.class),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("expires_at").toInstant(),
        settled == null ? null : settled.toInstant(),
        expired == null ? null : expired.toInstant(),
        rs.getBigDecimal("captured_amount"),
        rs.getString("transaction_id"));
  }
}
