package dev.walletworker.signin;

import dev.walletworker.Ids;
import dev.walletworker.KeyHashes;
import dev.walletworker.db.Database;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sign_in_links} table: one-time links that sign an owner in to the billing pages. A
 * request for an address makes one link per account that has it (none for an unknown address, so
 * the caller's answer cannot tell them apart), emailed through the outbox in the same transaction.
 * A link works once, until it expires; an address may ask for a few links per window, no more.
 */
public final class SignInLinks {

  private static final Logger log = LoggerFactory.getLogger(SignInLinks.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a request for a link came to. */
  public enum Requested {
    /** Links were made for every account of the address (maybe none): the same answer for all. */
    ACCEPTED,
    /** The address asked too often in the window; nothing was made or sent. */
    RATE_LIMITED
  }

  private final Database db;
  private final MailOutbox mail;
  private final Clock clock;
  private final Duration lifetime;
  private final int maxPerWindow;
  private final Duration window;

  /**
   * @param lifetime how long a link works
   * @param maxPerWindow the most requests one address may make in {@code window}
   */
  public SignInLinks(
      Database db,
      MailOutbox mail,
      Clock clock,
      Duration lifetime,
      int maxPerWindow,
      Duration window) {
    this.db = db;
    this.mail = mail;
    this.clock = clock;
    this.lifetime = lifetime;
    this.maxPerWindow = maxPerWindow;
    this.window = window;
  }

  /**
   * Records a request for a sign-in link to {@code email} and queues one email per account of that
   * address, each with its own link {@code linkBase + token}.
   *
   * @param accountIds the accounts whose owner's address is {@code email} (maybe none)
   */
  public Requested request(String email, List<String> accountIds, String linkBase) {
    String emailHash = KeyHashes.sha256(email.strip().toLowerCase(Locale.ROOT));
    Instant now = clock.instant();
    return db.inTransaction(
        () -> {
          // Serialise one address's requests so that two at once cannot both pass the limit.
          db.jdbc()
              .sql("SELECT pg_advisory_xact_lock(hashtext('sign_in:' || ?))")
              .param(emailHash)
              .query(Object.class)
              .single();
          // An address's rows that no longer count (expired, outside the window) go as it asks
          // again: the table stays as small as its traffic.
          db.jdbc()
              .sql(
                  "DELETE FROM sign_in_links WHERE email_hash = ? AND expires_at < ?"
                      + " AND created_at < ?")
              .params(emailHash, Timestamp.from(now), Timestamp.from(now.minus(window)))
              .update();
          int recent =
              db.jdbc()
                  .sql(
                      "SELECT count(DISTINCT request_id) FROM sign_in_links"
                          + " WHERE email_hash = ? AND created_at > ?")
                  .params(emailHash, Timestamp.from(now.minus(window)))
                  .query(Integer.class)
                  .single();
          if (recent >= maxPerWindow) {
            log.info("sign-in link refused: rate limit (requests={} window={})", recent, window);
            return Requested.RATE_LIMITED;
          }
          String requestId = "sir_" + Ids.random(16);
          if (accountIds.isEmpty()) {
            insert(requestId, emailHash, null, null, now);
            log.info("sign-in link requested for an address of no account");
          }
          for (String accountId : accountIds) {
            String token = newToken();
            String id = insert(requestId, emailHash, accountId, KeyHashes.sha256(token), now);
            mail.enqueue(
                accountId, id, new MailPayload.SignInLink(linkBase + token, lifetime.toMinutes()));
            log.info("sign-in link sent account={} link={}", accountId, id);
          }
          return Requested.ACCEPTED;
        });
  }

  /**
   * Uses the link whose token is {@code token}: the account it signs in to, once; empty for a used,
   * expired, altered or unknown link.
   */
  public Optional<String> use(String token) {
    if (token == null || token.length() != 43 || !token.matches("[A-Za-z0-9_-]+")) {
      log.info("sign-in link refused: not a link token");
      return Optional.empty();
    }
    Instant now = clock.instant();
    // One statement: of two uses at once, exactly one finds the link unused.
    Optional<String> account =
        db.jdbc()
            .sql(
                "UPDATE sign_in_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                    + " AND expires_at > ? RETURNING account_id")
            .params(Timestamp.from(now), KeyHashes.sha256(token), Timestamp.from(now))
            .query(String.class)
            .optional();
    if (account.isPresent()) {
      log.info("sign-in link used account={}", account.get());
    } else {
      log.info("sign-in link refused: used, expired or unknown");
    }
    return account;
  }

  private String insert(
      String requestId, String emailHash, String accountId, String tokenHash, Instant now) {
    String id = "sil_" + Ids.random(16);
    db.jdbc()
        .sql(
            "INSERT INTO sign_in_links (id, request_id, email_hash, account_id, token_hash,"
                + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            requestId,
            emailHash,
            accountId,
            tokenHash,
            Timestamp.from(now),
            Timestamp.from(now.plus(lifetime)))
        .update();
    return id;
  }

  /** 256 random bits, URL-safe: 43 characters. */
  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
