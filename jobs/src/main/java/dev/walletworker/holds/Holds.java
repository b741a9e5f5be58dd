package dev.walletworker.holds;

import dev.walletworker.Ids;
import dev.walletworker.db.Database;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code holds} table: the only code with SQL against it. Its callers lock the wallet row first
 * ({@link dev.walletworker.account.Wallets}), then the hold, as the ledger does.
 */
public final class Holds {

  private final Database db;

  public Holds(Database db) {
    this.db = db;
  }

  static String newId() {
    return "hold_" + Ids.random(24);
  }

  /** Inserts a new active hold; runs in the caller's transaction, under the wallet's lock. */
  void insert(Hold hold) {
    db.jdbc()
        .sql(
            "INSERT INTO holds (id, account_id, request_id, status, amount, model, price_id,"
                + " max_input_tokens, max_output_tokens, created_at, expires_at)"
                + " VALUES (?, ?, ?, 'held', ?, ?, ?, ?, ?, ?, ?)")
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
            Timestamp.from(hold.expiresAt()))
        .update();
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

  /** The hold was captured for {@code amount} by the usage row {@code transactionId} (or none). */
  void captured(String holdId, BigDecimal amount, String transactionId, Instant at) {
    db.jdbc()
        .sql(
            "UPDATE holds SET status = 'captured', settled_at = ?, captured_amount = ?,"
                + " transaction_id = ? WHERE id = ?")
        .params(Timestamp.from(at), amount, transactionId, holdId)
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
