package dev.walletworker.audit;

import dev.walletworker.ErrorType;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code audit_log} table: who did which ops action, when, to what, why, and the values before
 * and after. Rows are only ever inserted (the table's trigger refuses updates and deletes), each in
 * the transaction of the action it records.
 */
public final class AuditLog {

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  public static final int MAX_LIST = 1000;
  public static final int MAX_OPERATOR = 100;
  static final int MAX_REASON = 500;

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final Database db;
  private final Clock clock;

  public AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * One ops action to record.
   *
   * @param operator who: the console user, or the CLI's {@code --operator}
   * @param targetKind what kind of thing was acted on (account, job, mail, service_key, ...)
   * @param accountId the account concerned, or {@code null} (a job, a price)
   * @param before the values the action changed, as they were; {@code null} when none
   * @param after the same values afterwards; {@code null} when none
   * @param refersTo what the action refers to (a transaction id, a run request), or {@code null}
   */
  public record Change(
      String operator,
      AuditAction action,
      String targetKind,
      String targetId,
      String accountId,
      String reason,
      Map<String, ?> before,
      Map<String, ?> after,
      String refersTo) {}

  /** A row of the log. */
  public record Entry(
      long id,
      Instant at,
      String operator,
      AuditAction action,
      String targetKind,
      String targetId,
      String accountId,
      String reason,
      Map<String, Object> before,
      Map<String, Object> after,
      String refersTo) {}

  /**
   * Records {@code change} in the caller's transaction, which must be the one that made the change:
   * the row commits with the action or not at all. Refused outside a transaction.
   */
  public Entry record(Change change) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "an audit row is written in the transaction of the action it records; there is none");
    }
    String operator = Texts.clean(change.operator(), "operator", MAX_OPERATOR, true);
    String reason = Texts.clean(change.reason(), "reason", MAX_REASON, false);
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    long id =
        db.jdbc()
            .sql(
                "INSERT INTO audit_log (at, operator, action, target_kind, target_id, account_id,"
                    + " reason, before, after, refers_to)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?) RETURNING id")
            .params(
                Timestamp.from(at),
                operator,
                change.action().code(),
                change.targetKind(),
                change.targetId(),
                change.accountId(),
                reason,
                json(change.before()),
                json(change.after()),
                change.refersTo())
            .query(Long.class)
            .single();
    log.info(
        "audit action={} target={}:{} account={} operator={} audit_id={}",
        change.action().code(),
        change.targetKind(),
        change.targetId(),
        change.accountId(),
        operator,
        id);
    return find(id);
  }

  /**
   * The newest {@code limit} rows, newest first, only those matching each filter given (a null
   * filter matches every row).
   */
  public List<Entry> list(String accountId, String operator, AuditAction action, int limit) {
    if (limit < 1 || limit > MAX_LIST) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "limit must be between 1 and " + MAX_LIST, "limit");
    }
    String code = action == null ? null : action.code();
    return db.jdbc()
        .sql(
            "SELECT * FROM audit_log WHERE (?::text IS NULL OR account_id = ?)"
                + " AND (?::text IS NULL OR operator = ?) AND (?::text IS NULL OR action = ?)"
                + " ORDER BY id DESC LIMIT ?")
        .params(accountId, accountId, operator, operator, code, code, limit)
        .query(AuditLog::map)
        .list();
  }

  /**
   * Rows of {@code action} per day of {@code zone} since {@code from} (days without are absent).
   */
  public java.util.SortedMap<java.time.LocalDate, Long> perDay(
      AuditAction action, Instant from, java.time.ZoneId zone) {
    java.util.SortedMap<java.time.LocalDate, Long> days = new java.util.TreeMap<>();
    db.jdbc()
        .sql(
            "SELECT (at AT TIME ZONE ?)::date AS day, count(*) AS n FROM audit_log"
                + " WHERE action = ? AND at >= ? GROUP BY 1")
        .params(zone.getId(), action.code(), Timestamp.from(from))
        .query(
            (rs, row) -> days.put(rs.getObject("day", java.time.LocalDate.class), rs.getLong("n")))
        .list();
    return days;
  }

  private Entry find(long id) {
    return db.jdbc()
        .sql("SELECT * FROM audit_log WHERE id = ?")
        .param(id)
        .query(AuditLog::map)
        .single();
  }

  private static String json(Map<String, ?> values) {
    return values == null ? null : JSON.writeValueAsString(values);
  }

  private static Map<String, Object> values(String json) {
    return json == null ? null : JSON.readValue(json, MAP);
  }

  private static Entry map(ResultSet rs, int row) throws SQLException {
    return new Entry(
        rs.getLong("id"),
        rs.getTimestamp("at").toInstant(),
        rs.getString("operator"),
        AuditAction.fromCode(rs.getString("action")),
        rs.getString("target_kind"),
        rs.getString("target_id"),
        rs.getString("account_id"),
        rs.getString("reason"),
        values(rs.getString("before")),
        values(rs.getString("after")),
        rs.getString("refers_to"));
  }
}
