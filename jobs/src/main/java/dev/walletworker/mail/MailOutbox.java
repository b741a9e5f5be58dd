package dev.walletworker.mail;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What ops see and do in the outbox: list messages, send a failed one again. */
public final class MailOutbox {

  private static final Logger log = LoggerFactory.getLogger(MailOutbox.class);

  /** One outbox row as ops see it (no payload, no recipient address). */
  public record Entry(
      long id,
      String kind,
      String accountId,
      MailStatus status,
      int attempts,
      Instant createdAt,
      Instant nextAttemptAt,
      Instant sentAt,
      String lastError) {}

  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();
  // Amounts come back exact, as they were written.
  private static final tools.jackson.databind.json.JsonMapper PAYLOAD_READER =
      tools.jackson.databind.json.JsonMapper.builder()
          .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private final Database db;
  private final Clock clock;

  public MailOutbox(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Queues the email of one event, in the caller's transaction; false when that event's email was
   * queued already ({@code occurrence} names the event, as the dedupe key does).
   */
  public boolean enqueue(String accountId, String occurrence, MailPayload payload) {
    return enqueue(payload.kind(), accountId, occurrence, payload.fields());
  }

  /**
   * Queues an email to the account's owner, in the caller's transaction (so it exists exactly when
   * the event that causes it does). The same kind, account and occurrence queue it once.
   *
   * @return whether it was queued now (false: that email already exists)
   */
  private boolean enqueue(
      MailKind kind, String accountId, String occurrence, java.util.Map<String, Object> payload) {
    Timestamp now = Timestamp.from(clock.instant());
    int inserted =
        db.jdbc()
            .sql(
                "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload, next_attempt_at, created_at)"
                    + " SELECT ?, ?, id, email, ?::jsonb, ?, ? FROM accounts WHERE id = ?"
                    + " ON CONFLICT (dedupe_key) DO NOTHING")
            .params(
                kind.dedupeKey(accountId, occurrence),
                kind.code(),
                JSON.writeValueAsString(payload),
                now,
                now,
                accountId)
            .update();
    if (inserted == 1) {
      log.info("mail queued kind={} account={}", kind.code(), accountId);
    }
    return inserted == 1;
  }

  /** Newest first; {@code status} and {@code accountId} may be null for all. */
  public List<Entry> list(String status, String accountId, int limit) {
    if (status != null) {
      MailStatus.fromCode(status);
    }
    if (limit < 1 || limit > 1000) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "limit must be between 1 and 1000", "limit");
    }
    return db.jdbc()
        .sql(
            "SELECT * FROM mail_outbox WHERE (?::text IS NULL OR status = ?) AND (?::text IS NULL OR account_id = ?)"
                + " ORDER BY id DESC LIMIT ?")
        .params(status, status, accountId, accountId, limit)
        .query(MailOutbox::map)
        .list();
  }

  /** Puts a failed message back in the queue with fresh attempts; it is sent at the next run. */
  public Entry retry(long id) {
    return db.inTransaction(
        () -> {
          Entry entry =
              db.jdbc()
                  .sql("SELECT * FROM mail_outbox WHERE id = ? FOR UPDATE")
                  .param(id)
                  .query(MailOutbox::map)
                  .optional()
                  .orElseThrow(
                      () ->
                          new WalletException(
                              ErrorType.INVALID_REQUEST, "no mail message " + id, "id"));
          if (entry.status() != MailStatus.FAILED) {
            throw new WalletException(
                ErrorType.INVALID_REQUEST,
                "mail message "
                    + id
                    + " is "
                    + entry.status().code()
                    + "; only failed messages can be retried",
                "id");
          }
          db.jdbc()
              .sql(
                  "UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?,"
                      + " last_error = NULL WHERE id = ?")
              .params(Timestamp.from(clock.instant()), id)
              .update();
          log.info(
              "mail requeued by ops id={} kind={} account={}", id, entry.kind(), entry.accountId());
          return db.jdbc()
              .sql("SELECT * FROM mail_outbox WHERE id = ?")
              .param(id)
              .query(MailOutbox::map)
              .single();
        });
  }

  /**
   * One message as its owner sees it: rendered from its stored payload for ops' preview. Empty when
   * there is no such message. A sign-in link is left out: while it is unused it signs whoever opens
   * it in as the owner, and ops must not be able to do that from the preview.
   */
  public java.util.Optional<RenderedMail> preview(long id, MailRenderer renderer) {
    return db.jdbc()
        .sql(
            "SELECT m.*, m.payload::text AS payload_json, a.display_name"
                + " FROM mail_outbox m JOIN accounts a ON a.id = m.account_id WHERE m.id = ?")
        .param(id)
        .query(MailOutbox::mapClaimed)
        .optional()
        .map(
            m ->
                renderer.render(
                    MailKind.fromCode(m.kind()),
                    m.accountId(),
                    m.recipient(),
                    m.displayName(),
                    previewPayload(MailKind.fromCode(m.kind()), m.payload())));
  }

  /** What the preview shows in place of a sign-in link. */
  public static final String HIDDEN_SIGN_IN_LINK =
      "(sign-in link hidden: it signs in as the owner)";

  private static java.util.Map<String, Object> previewPayload(
      MailKind kind, java.util.Map<String, Object> payload) {
    if (kind != MailKind.SIGN_IN_LINK) {
      return payload;
    }
    java.util.Map<String, Object> hidden = new java.util.LinkedHashMap<>(payload);
    hidden.put("link", HIDDEN_SIGN_IN_LINK);
    return hidden;
  }

  /** Messages queued per day from {@code from} on, in {@code zone}; days without any are absent. */
  public java.util.SortedMap<java.time.LocalDate, Long> queuedPerDay(
      Instant from, java.time.ZoneId zone) {
    java.util.SortedMap<java.time.LocalDate, Long> days = new java.util.TreeMap<>();
    db.jdbc()
        .sql(
            "SELECT (created_at AT TIME ZONE ?)::date AS day, count(*) AS n FROM mail_outbox"
                + " WHERE created_at >= ? GROUP BY 1")
        .params(zone.getId(), Timestamp.from(from))
        .query(
            (rs, row) -> days.put(rs.getObject("day", java.time.LocalDate.class), rs.getLong("n")))
        .list();
    return days;
  }

  /** How many messages are in {@code status} now. */
  public long count(MailStatus status) {
    return db.jdbc()
        .sql("SELECT count(*) FROM mail_outbox WHERE status = ?")
        .param(status.code())
        .query(Long.class)
        .single();
  }

  // The dispatcher's statements.

  /**
   * Claims up to {@code limit} due pending messages for one delivery attempt each: counts the
   * attempt and leases them until {@code leaseUntil} (so a crashed sender's messages come back),
   * skipping rows another dispatcher holds. With the recipient's display name.
   */
  List<OutboxMessage> claimDue(Instant now, Instant leaseUntil, int limit) {
    return db.jdbc()
        .sql(
            "WITH claimed AS ("
                + " UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?"
                + " WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ?"
                + "   ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING *)"
                + " SELECT c.*, c.payload::text AS payload_json, a.display_name"
                + " FROM claimed c JOIN accounts a ON a.id = c.account_id ORDER BY c.id")
        .params(Timestamp.from(leaseUntil), Timestamp.from(now), limit)
        .query(MailOutbox::mapClaimed)
        .list();
  }

  void markSent(long id, Instant at) {
    db.jdbc()
        .sql("UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?")
        .params(Timestamp.from(at), id)
        .update();
  }

  /** Leaves a pending message for another attempt at {@code next}. */
  void postpone(long id, Instant next, String error) {
    db.jdbc()
        .sql(
            "UPDATE mail_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'")
        .params(Timestamp.from(next), error, id)
        .update();
  }

  void markFailed(long id, String error) {
    db.jdbc()
        .sql(
            "UPDATE mail_outbox SET status = 'failed', last_error = ? WHERE id = ? AND status = 'pending'")
        .params(error, id)
        .update();
  }

  @SuppressWarnings("unchecked")
  private static OutboxMessage mapClaimed(ResultSet rs, int row) throws SQLException {
    return new OutboxMessage(
        rs.getLong("id"),
        rs.getString("dedupe_key"),
        rs.getString("kind"),
        rs.getString("account_id"),
        rs.getString("recipient"),
        rs.getString("display_name"),
        PAYLOAD_READER.readValue(rs.getString("payload_json"), java.util.Map.class),
        rs.getInt("attempts"),
        rs.getTimestamp("created_at").toInstant());
  }

  private static Entry map(ResultSet rs, int row) throws SQLException {
    return new Entry(
        rs.getLong("id"),
        rs.getString("kind"),
        rs.getString("account_id"),
        MailStatus.fromCode(rs.getString("status")),
        rs.getInt("attempts"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("next_attempt_at")),
        instant(rs.getTimestamp("sent_at")),
        rs.getString("last_error"));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
