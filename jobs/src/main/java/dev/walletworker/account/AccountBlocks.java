package dev.walletworker.account;

import dev.walletworker.db.Database;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The one writer of {@code accounts.status}: ops' blocks and unblocks, and the spending limit's
 * (budget enforcement, the month rollover). Every change first takes the wallet's row lock itself,
 * as the ledger does before it reads the status, so a debit waiting for that lock sees the change
 * once it gets it, and a change never interleaves with a debit or a settings change (which take the
 * same lock). Runs in the caller's transaction (each method needs one).
 */
public final class AccountBlocks {

  /** The reason the spending-limit rules set, and the only block they ever lift. */
  public static final String SPENDING_LIMIT = "spending_limit";

  /** An account blocked by its spending limit; over the alias-free {@code accounts} columns. */
  static final String BLOCKED_BY_LIMIT =
      "status = 'blocked' AND blocked_reason = '" + SPENDING_LIMIT + "'";

  private final Database db;
  private final Wallets wallets;
  private final Clock clock;

  public AccountBlocks(Database db, Clock clock) {
    this.db = db;
    this.wallets = new Wallets(db);
    this.clock = clock;
  }

  /** Blocks the account for {@code reason} (any prior block's reason is replaced). */
  void block(String accountId, String reason) {
    lock(accountId);
    db.jdbc()
        .sql(
            "UPDATE accounts SET status = 'blocked', blocked_reason = ?, blocked_since = ? WHERE id = ?")
        .params(reason, Timestamp.from(clock.instant()), accountId)
        .update();
  }

  /** Lifts any block. */
  void unblock(String accountId) {
    lock(accountId);
    db.jdbc()
        .sql(
            "UPDATE accounts SET status = 'active', blocked_reason = NULL, blocked_since = NULL WHERE id = ?")
        .param(accountId)
        .update();
  }

  /**
   * Blocks an active account for its spending limit; returns the block's time, or empty when the
   * account was not active (blocked already, for this reason or another).
   */
  public Optional<Instant> blockForSpendingLimit(String accountId) {
    lock(accountId);
    Instant since = clock.instant();
    int changed =
        db.jdbc()
            .sql(
                "UPDATE accounts SET status = 'blocked', blocked_reason = ?, blocked_since = ?"
                    + " WHERE id = ? AND status = 'active'")
            .params(SPENDING_LIMIT, Timestamp.from(since), accountId)
            .update();
    return changed == 1 ? Optional.of(since) : Optional.empty();
  }

  /**
   * Lifts a spending-limit block (never one set for another reason); returns when that block
   * started, or empty when the account had none.
   */
  public Optional<Instant> liftSpendingLimitBlock(String accountId) {
    lock(accountId);
    Optional<Timestamp> since =
        db.jdbc()
            .sql("SELECT blocked_since FROM accounts WHERE id = ? AND " + BLOCKED_BY_LIMIT)
            .param(accountId)
            .query(Timestamp.class)
            .optional();
    if (since.isEmpty()) {
      return Optional.empty();
    }
    db.jdbc()
        .sql(
            "UPDATE accounts SET status = 'active', blocked_reason = NULL, blocked_since = NULL WHERE id = ?")
        .param(accountId)
        .update();
    return since.map(Timestamp::toInstant);
  }

  private void lock(String accountId) {
    if (!wallets.lockForUpdate(accountId)) {
      throw Accounts.notFound(accountId);
    }
  }
}
