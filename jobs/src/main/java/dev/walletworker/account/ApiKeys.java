package dev.walletworker.account;

import dev.walletworker.ErrorType;
import dev.walletworker.Ids;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's API keys ({@code ask_…}): issued and shown once, stored hashed, rotated and
 * revoked. A key identifies exactly one account.
 */
public final class ApiKeys {

  private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

  private final Database db;
  private final Clock clock;

  public ApiKeys(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Issues a new key for the account (other keys stay valid); returns the key, shown once. */
  public String issue(String accountId) {
    String key = "ask_" + Ids.random(40);
    db.inTransaction(
        () ->
            db.jdbc()
                .sql(
                    "INSERT INTO api_keys (id, account_id, key_hash, prefix, created_at)"
                        + " SELECT ?, id, ?, ?, ? FROM accounts WHERE id = ?")
                .params(
                    "key_" + Ids.random(16),
                    hash(key),
                    key.substring(0, 12),
                    Timestamp.from(clock.instant()),
                    accountId)
                .update());
    log.info("api key issued account={} prefix={}", accountId, key.substring(0, 12));
    return key;
  }

  /** Revokes every key of the account and issues a new one, in one transaction. */
  public String rotate(String accountId) {
    return db.inTransaction(
        () -> {
          requireAccount(accountId);
          revokeAll(accountId);
          return issue(accountId);
        });
  }

  /** Revokes every key of the account; returns how many were active. */
  public int revoke(String accountId) {
    return db.inTransaction(
        () -> {
          requireAccount(accountId);
          return revokeAll(accountId);
        });
  }

  /** One key as its owner sees it: never the key, only its first characters. */
  public record KeyInfo(
      String id, String prefix, java.time.Instant createdAt, java.time.Instant lastUsedAt) {}

  /** The account's active keys, newest first. */
  public java.util.List<KeyInfo> active(String accountId) {
    return db.jdbc()
        .sql(
            "SELECT id, prefix, created_at, last_used_at FROM api_keys WHERE account_id = ?"
                + " AND revoked_at IS NULL"
                + " ORDER BY created_at DESC, id")
        .param(accountId)
        .query(
            (rs, row) ->
                new KeyInfo(
                    rs.getString("id"),
                    rs.getString("prefix"),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("last_used_at") == null
                        ? null
                        : rs.getTimestamp("last_used_at").toInstant()))
        .list();
  }

  /**
   * Revokes one key of the account; false when the account has no such active key (another
   * account's key id changes nothing).
   */
  public boolean revokeKey(String accountId, String keyId) {
    int revoked =
        db.jdbc()
            .sql(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND account_id = ?"
                    + " AND revoked_at IS NULL")
            .params(Timestamp.from(clock.instant()), keyId, accountId)
            .update();
    if (revoked == 1) {
      log.info("api key revoked account={} key={}", accountId, keyId);
    }
    return revoked == 1;
  }

  /** The account an active key belongs to. */
  public Optional<String> accountFor(String key) {
    if (key == null || !key.startsWith("ask_") || key.length() > 100) {
      return Optional.empty();
    }
    String keyHash = hash(key);
    java.time.Instant now = clock.instant();
    Optional<String> account =
        db.jdbc()
            .sql(
                "SELECT account_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL"
                    + " AND (last_used_at IS NULL OR last_used_at < ?)")
            .params(keyHash, Timestamp.from(now.minus(LAST_USED_EVERY)))
            .query(String.class)
            .optional();
    if (account.isPresent()) {
      // Stale "last used": written now, at most once per LAST_USED_EVERY for a key.
      db.jdbc()
          .sql("UPDATE api_keys SET last_used_at = ? WHERE key_hash = ?")
          .params(Timestamp.from(now), keyHash)
          .update();
      return account;
    }
    return db.jdbc()
        .sql("SELECT account_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
        .param(keyHash)
        .query(String.class)
        .optional();
  }

  /** How stale a key's "last used" may get before a request writes it again. */
  static final java.time.Duration LAST_USED_EVERY = java.time.Duration.ofMinutes(1);

  private int revokeAll(String accountId) {
    int revoked =
        db.jdbc()
            .sql("UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL")
            .params(Timestamp.from(clock.instant()), accountId)
            .update();
    log.info("api keys revoked account={} count={}", accountId, revoked);
    return revoked;
  }

  private void requireAccount(String accountId) {
    boolean exists =
        db.jdbc()
            .sql("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .param(accountId)
            .query(Boolean.class)
            .single();
    if (!exists) {
      throw new WalletException(
          ErrorType.ACCOUNT_NOT_FOUND,
          "No account " + dev.walletworker.Texts.abbreviate(accountId),
          "account");
    }
  }

  static String hash(String key) {
    return dev.walletworker.KeyHashes.sha256(key);
  }
}
