package dev.walletworker.ops;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;

/**
 * The {@code ops_users} table: who may sign in to the ops console. Only password hashes are stored
 * (made by the caller's encoder: this module knows no password algorithm); the password itself
 * never reaches this class.
 */
public final class OpsUsers {

  /** A name is what the audit log records as the operator: short, plain, no spaces. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

  /** One console user. */
  public record OpsUser(String name, String passwordHash, Instant createdAt) {}

  private final Database db;
  private final Clock clock;

  public OpsUsers(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Refuses a name that is not 1 to 64 of a-z, 0-9, '.', '_', '@', '-', starting with a letter or
   * digit.
   */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "name must be 1 to 64 characters of a-z, 0-9, '.', '_', '@' and '-', starting with a"
              + " letter or digit, got '"
              + dev.walletworker.Texts.abbreviate(name)
              + "'",
          "name");
    }
    return name;
  }

  /** Adds a user; refused when the name is taken. */
  public OpsUser add(String name, String passwordHash) {
    checkName(name);
    Instant now = clock.instant();
    try {
      db.jdbc()
          .sql("INSERT INTO ops_users (name, password_hash, created_at) VALUES (?, ?, ?)")
          .params(name, passwordHash, Timestamp.from(now))
          .update();
    } catch (DuplicateKeyException e) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "an ops user named '" + name + "' exists already", "name");
    }
    return find(name).orElseThrow();
  }

  public Optional<OpsUser> find(String name) {
    return db.jdbc()
        .sql("SELECT * FROM ops_users WHERE name = ?")
        .param(name)
        .query(OpsUsers::map)
        .optional();
  }

  /** Every user, by name. */
  public List<OpsUser> list() {
    return db.jdbc().sql("SELECT * FROM ops_users ORDER BY name").query(OpsUsers::map).list();
  }

  /** Removes the user; refused when there is none of that name. */
  public void remove(String name) {
    checkName(name);
    int removed = db.jdbc().sql("DELETE FROM ops_users WHERE name = ?").param(name).update();
    if (removed == 0) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "there is no ops user named '" + name + "'", "name");
    }
  }

  private static OpsUser map(ResultSet rs, int row) throws SQLException {
    return new OpsUser(
        rs.getString("name"),
        rs.getString("password_hash"),
        rs.getTimestamp("created_at").toInstant());
  }
}
