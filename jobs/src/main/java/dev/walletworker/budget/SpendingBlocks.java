package dev.walletworker.budget;

import dev.walletworker.account.AccountBlocks;
import dev.walletworker.db.Database;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailPayload;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks and lifts blocks for the spending limit, with the owner's email in the same transaction.
 * The status itself is changed by {@link AccountBlocks}, which takes the wallet's row lock.
 */
public final class SpendingBlocks {

  private static final Logger log = LoggerFactory.getLogger(SpendingBlocks.class);

  private final AccountBlocks blocks;
  private final MailOutbox mail;
  private final Clock clock;

  public SpendingBlocks(Database db, MailOutbox mail, Clock clock) {
    this.blocks = new AccountBlocks(db, clock);
    this.mail = mail;
    this.clock = clock;
  }

  /** The calendar month now, in the clock's zone. */
  public YearMonth currentMonth() {
    return YearMonth.from(clock.instant().atZone(clock.getZone()));
  }

  /** When {@code month} started, in the clock's zone. */
  public Instant start(YearMonth month) {
    return month.atDay(1).atStartOfDay(clock.getZone()).toInstant();
  }

  /**
   * Blocks an active account and queues its email. The email is one per block: its dedupe key names
   * the block's time, as the unblock's does, so a second block in the same month (after the limit
   * was raised, the action switched, or ops lifted the block) is told too. A re-run finds the
   * account blocked already and changes nothing.
   */
  void block(
      String accountId, BigDecimal limit, BigDecimal spend, String currency, YearMonth month) {
    Optional<Instant> blocked = blocks.blockForSpendingLimit(accountId);
    if (blocked.isPresent()) {
      mail.enqueue(
          accountId,
          month + ":" + blocked.get().toEpochMilli(),
          // Where "next month" starts: the zone months are counted in (TIME_ZONE).
          new MailPayload.SpendingLimitBlocked(
              limit, spend, currency, month.toString(), clock.getZone().getId()));
      log.warn(
          "account blocked account={} reason={} spend={} limit={} month={}",
          accountId,
          AccountBlocks.SPENDING_LIMIT,
          spend,
          limit,
          month);
    }
  }

  /** Lifts a spending-limit block (never one set for another reason); true if it did. */
  boolean unblock(
      String accountId, boolean newMonth, BigDecimal limit, String currency, YearMonth month) {
    Optional<Instant> lifted = blocks.liftSpendingLimitBlock(accountId);
    if (lifted.isEmpty()) {
      return false;
    }
    mail.enqueue(
        accountId,
        month + ":" + lifted.get().toEpochMilli(),
        new MailPayload.AccountUnblocked(
            newMonth, limit == null ? BigDecimal.ZERO : limit, currency, month.toString()));
    log.info(
        "account unblocked account={} reason={} month={}",
        accountId,
        newMonth ? "new_month" : "limit_changed",
        month);
    return true;
  }
}
