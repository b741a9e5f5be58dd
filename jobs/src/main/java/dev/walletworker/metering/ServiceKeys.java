package dev.walletworker.metering;

import dev.walletworker.ErrorType;
import dev.walletworker.Ids;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code service_keys} table: keys ({@code wsk_…}) the metered service uses to post usage for
 * any account. Created and shown once, stored hashed, revoked by id or name.
 *
 * <p>Every request is authenticated by its key, so lookups are cached — for at most {@link
 * #CACHE_FOR}, so that a revoked key is refused within a second on every node.
 */
public final class ServiceKeys {

  private static final Logger log = LoggerFactory.getLogger(ServiceKeys.class);

  /** How long a lookup is trusted: the longest a revoked key can still be accepted. */
  static final Duration CACHE_FOR = Duration.ofSeconds(1);

  /** How often "last used" is written per key: not on every request of the hot path. */
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");
  static final String PREFIX = "wsk_";

  /** A service key as ops see it (never the key itself). */
  public record ServiceKey(
      String id,
      String name,
      String prefix,
      Instant createdAt,
      Instant lastUsedAt,
      Instant revokedAt) {}

  /** A key just created: the only time {@code key} is known. */
  public record IssuedKey(String id, String name, String key, Instant createdAt) {}

  private record Cached(Optional<String> id, Instant until) {}

  private final Database db;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Instant> touched = new ConcurrentHashMap<>();

  public ServiceKeys(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Creates a key named {@code name} (one active key per name); the key is returned once. */
  public IssuedKey create(String name) {
    String clean = Texts.clean(name, "name", 100, true);
    if (!NAME.matcher(clean).matches()) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "name must be letters, digits, spaces, dots, dashes or underscores (such as"
              + " gateway-eu-1), got '"
              + Texts.abbreviate(clean)
              + "'",
          "name");
    }
    String key = PREFIX + Ids.random(40);
    String id = "skey_" + Ids.random(16);
    Instant now = clock.instant();
    boolean taken =
        db.jdbc()
            .sql("SELECT EXISTS (SELECT 1 FROM service_keys WHERE name = ? AND revoked_at IS NULL)")
            .param(clean)
            .query(Boolean.class)
            .single();
    if (!taken) {
      try {
        db.jdbc()
            .sql(
                "INSERT INTO service_keys (id, name, key_hash, prefix, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)")
            .params(id, clean, hash(key), key.substring(0, 12), Timestamp.from(now))
            .update();
      } catch (org.springframework.dao.DuplicateKeyException raced) {
        taken = true; // created by someone else a moment ago
      }
    }
    if (taken) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "a service key named '" + clean + "' is already active; revoke it first",
          "name");
    }
    log.info("service key created id={} name={} prefix={}", id, clean, key.substring(0, 12));
    return new IssuedKey(id, clean, key, now);
  }

  /** Every key, newest first, revoked ones included. */
  public List<ServiceKey> list() {
    return db.jdbc()
        .sql("SELECT * FROM service_keys ORDER BY created_at DESC, id")
        .query(ServiceKeys::map)
        .list();
  }

  /** Revokes the active key with this id or name; refused when there is none. */
  public ServiceKey revoke(String idOrName) {
    String target = Texts.clean(idOrName, "key", 100, true);
    Optional<ServiceKey> revoked =
        db.jdbc()
            .sql(
                "UPDATE service_keys SET revoked_at = ? WHERE (id = ? OR name = ?)"
                    + " AND revoked_at IS NULL RETURNING *")
            .params(Timestamp.from(clock.instant()), target, target)
            .query(ServiceKeys::map)
            .optional();
    ServiceKey key =
        revoked.orElseThrow(
            () ->
                new WalletException(
                    ErrorType.INVALID_REQUEST,
                    "no active service key with id or name '" + Texts.abbreviate(target) + "'",
                    "key"));
    log.info("service key revoked id={} name={}", key.id(), key.name());
    return key;
  }

  /**
   * The id of the active key {@code key}, if it is one. Cached for at most {@link #CACHE_FOR};
   * "last used" is written at most once a minute per key.
   */
  public Optional<String> authenticate(String key) {
    if (key == null || !key.startsWith(PREFIX) || key.length() > 100) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    String hash = hash(key);
    Cached cached = cache.get(hash);
    if (cached == null || !cached.until().isAfter(now)) {
      Optional<String> id =
          db.jdbc()
              .sql("SELECT id FROM service_keys WHERE key_hash = ? AND revoked_at IS NULL")
              .param(hash)
              .query(String.class)
              .optional();
      cached = new Cached(id, now.plus(CACHE_FOR));
      if (cache.size() > 10_000) {
        cache.clear(); // only guessed keys grow it; real ones are few
      }
      cache.put(hash, cached);
    }
    cached.id().ifPresent(id -> touch(id, now));
    return cached.id();
  }

  private void touch(String id, Instant now) {
    Instant last = touched.get(id);
    if (last != null && last.plus(TOUCH_EVERY).isAfter(now)) {
      return;
    }
    touched.put(id, now);
    db.jdbc()
        .sql("UPDATE service_keys SET last_used_at = ? WHERE id = ?")
        .params(Timestamp.from(now), id)
        .update();
  }

  static String hash(String key) {
    return dev.walletworker.KeyHashes.sha256(key);
  }

  private static ServiceKey map(ResultSet rs, int row) throws SQLException {
    return new ServiceKey(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("prefix"),
        rs.getTimestamp("created_at").toInstant(),
        instant(rs.getTimestamp("last_used_at")),
        instant(rs.getTimestamp("revoked_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
