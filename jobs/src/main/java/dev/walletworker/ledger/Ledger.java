package dev.walletworker.ledger;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.Ids;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that changes a balance. Each call is one database transaction that locks the wallet
 * row, changes the balance and appends the ledger row with its {@code balance_after}; the row lock
 * serialises concurrent calls on one wallet, so no update is lost and the chain of {@code
 * balance_after} values is unbroken.
 *
 * <p>A reference (a usage request id, a payment id) makes a call idempotent: applied again, it
 * changes nothing and returns the first result. Reused for a different transaction, it is refused.
 */
public final class Ledger {

  private static final Logger log = LoggerFactory.getLogger(Ledger.class);

  static final int MAX_DESCRIPTION = 500;
  static final int MAX_REFERENCE = 255;
  public static final int MAX_PAGE = 100;

  private final Database db;
  private final Clock clock;

  public Ledger(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Debits API usage. Refused, changing nothing, when the amount is not positive, the account is
   * unknown or blocked, or the balance would go below zero.
   *
   * <p>The whole debit is the database function {@code debit_usage} (migration V9), called in one
   * statement: the lock, the checks and the write in one round trip, as debits/s is bounded by
   * them. It joins the caller's transaction if there is one.
   */
  public Posting debitUsage(
      String accountId, BigDecimal amount, String description, String requestId) {
    BigDecimal debit = Amounts.requirePositive(amount, "amount");
    String text = describe(description, "API usage");
    String reference = Texts.clean(requestId, "request_id", MAX_REFERENCE, false);
    // PostgreSQL keeps microseconds: truncate so the returned row equals the stored one.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    // The month that month-to-date spend counts: the calendar month in the clock's zone.
    java.sql.Date month =
        java.sql.Date.valueOf(java.time.YearMonth.from(now.atZone(clock.getZone())).atDay(1));
    DebitOutcome result =
        db.jdbc()
            .sql("SELECT * FROM debit_usage(?, ?, ?, ?, ?, ?, ?)")
            .params(
                accountId,
                debit,
                text,
                reference,
                Ids.newTransactionId(),
                Timestamp.from(now),
                month)
            .query(
                (rs, row) ->
                    new DebitOutcome(
                        rs.getString("outcome"),
                        rs.getString("blocked_reason"),
                        rs.getBigDecimal("balance"),
                        rs.getString("id") == null ? null : map(rs, row)))
            .single();
    return switch (result.outcome()) {
      case "posted" -> {
        log.debug("usage debited account={} txn={} amount={}", accountId, result.row().id(), debit);
        yield new Posting(result.row(), null, false);
      }
      case "replay" -> replayed(result.row(), reference, TransactionType.USAGE, debit.negate());
      case "account_not_found" -> throw notFound(accountId);
      case "account_blocked" ->
          throw new WalletException(
              ErrorType.ACCOUNT_BLOCKED,
              "Account "
                  + accountId
                  + " is blocked ("
                  + result.blockedReason()
                  + "): usage is not allowed",
              null);
      case "insufficient_funds" ->
          throw new WalletException(
              ErrorType.INSUFFICIENT_FUNDS,
              "Insufficient funds: balance is "
                  + Amounts.format(result.balance())
                  + ", the charge is "
                  + Amounts.format(debit),
              "amount");
      default -> throw new IllegalStateException("debit_usage returned " + result.outcome());
    };
  }

  /** What {@code debit_usage} returns: its outcome, what a refusal is worded with, the row. */
  private record DebitOutcome(
      String outcome, String blockedReason, BigDecimal balance, WalletTransaction row) {}

  /**
   * Credits the wallet. A {@code topup} goes through {@link BonusTiers}: its amount must be a
   * self-serve top-up, and the bonus it earns is appended as a second row in the same transaction.
   */
  public Posting credit(
      String accountId,
      BigDecimal amount,
      TransactionType type,
      String description,
      String reference) {
    if (type == TransactionType.USAGE) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "type must be topup, bonus or refund for a credit", "type");
    }
    BigDecimal credit = Amounts.requirePositive(amount, "amount");
    if (type == TransactionType.TOPUP) {
      return creditTopUp(accountId, BonusTiers.quote(credit), description, reference);
    }
    return post(accountId, credit, type, null, description, reference);
  }

  /**
   * Credits a top-up with the bonus it was quoted (a Checkout top-up keeps the quote the owner saw
   * when it started), the bonus as a second row in the same transaction.
   */
  public Posting creditTopUp(
      String accountId, TopUpQuote quote, String description, String reference) {
    return post(accountId, quote.amount(), TransactionType.TOPUP, quote, description, reference);
  }

  private Posting post(
      String accountId,
      BigDecimal credit,
      TransactionType type,
      TopUpQuote quote,
      String description,
      String reference) {
    String text = describe(description, defaultDescription(type));
    String ref = Texts.clean(reference, "reference", MAX_REFERENCE, false);
    return db.inTransaction(
        () -> {
          BigDecimal balance = lockWallet(accountId);
          Optional<Posting> replay = replay(accountId, ref, type, credit);
          if (replay.isPresent()) {
            return replay.get();
          }
          BigDecimal after = balance.add(credit);
          WalletTransaction row = append(accountId, type, credit, after, text, ref, null);
          WalletTransaction bonus = null;
          if (quote != null && quote.bonus().signum() > 0) {
            bonus =
                append(
                    accountId,
                    TransactionType.BONUS,
                    quote.bonus(),
                    after.add(quote.bonus()),
                    "Top-up bonus (" + quote.bonusPercent() + "%)",
                    null,
                    row.id());
          }
          log.info(
              "wallet credited account={} txn={} type={} amount={} bonus={} reference={}",
              accountId,
              row.id(),
              type.code(),
              Amounts.format(credit),
              bonus == null ? "0.00" : Amounts.format(bonus.amount()),
              ref);
          return new Posting(row, bonus, false);
        });
  }

  /** The wallet's history, newest first, after the transaction {@code startingAfter} if given. */
  public TransactionPage history(String accountId, int limit, String startingAfter) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST, "limit must be between 1 and " + MAX_PAGE, "limit");
    }
    return db.inTransaction(
        () -> {
          requireAccount(accountId);
          long before = Long.MAX_VALUE;
          if (startingAfter != null) {
            before =
                db.jdbc()
                    .sql("SELECT seq FROM wallet_transactions WHERE id = ? AND account_id = ?")
                    .params(startingAfter, accountId)
                    .query(Long.class)
                    .optional()
                    .orElseThrow(
                        () ->
                            new WalletException(
                                ErrorType.INVALID_REQUEST,
                                "starting_after: no transaction "
                                    + Texts.abbreviate(startingAfter)
                                    + " in this wallet",
                                "starting_after"));
          }
          List<WalletTransaction> rows =
              db.jdbc()
                  .sql(
                      "SELECT * FROM wallet_transactions WHERE account_id = ? AND seq < ?"
                          + " ORDER BY seq DESC LIMIT ?")
                  .params(accountId, before, limit + 1)
                  .query(Ledger::map)
                  .list();
          boolean hasMore = rows.size() > limit;
          return new TransactionPage(hasMore ? rows.subList(0, limit) : rows, hasMore);
        });
  }

  /** The current balance; fails for an unknown account. */
  public BigDecimal balance(String accountId) {
    return db.jdbc()
        .sql("SELECT balance FROM wallets WHERE account_id = ?")
        .param(accountId)
        .query(BigDecimal.class)
        .optional()
        .orElseThrow(() -> notFound(accountId));
  }

  private BigDecimal lockWallet(String accountId) {
    return db.jdbc()
        .sql("SELECT balance FROM wallets WHERE account_id = ? FOR UPDATE")
        .param(accountId)
        .query(BigDecimal.class)
        .optional()
        .orElseThrow(() -> notFound(accountId));
  }

  private void requireAccount(String accountId) {
    boolean exists =
        db.jdbc()
            .sql("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .param(accountId)
            .query(Boolean.class)
            .single();
    if (!exists) {
      throw notFound(accountId);
    }
  }

  private Optional<Posting> replay(
      String accountId, String reference, TransactionType type, BigDecimal signedAmount) {
    if (reference == null) {
      return Optional.empty();
    }
    return db.jdbc()
        .sql("SELECT * FROM wallet_transactions WHERE account_id = ? AND reference = ?")
        .params(accountId, reference)
        .query(Ledger::map)
        .optional()
        .map(first -> replayed(first, reference, type, signedAmount));
  }

  /** The first posting of {@code reference} again, or a refusal if it was another transaction. */
  private Posting replayed(
      WalletTransaction row, String reference, TransactionType type, BigDecimal signedAmount) {
    if (row.type() != type || row.amount().compareTo(signedAmount) != 0) {
      throw new WalletException(
          ErrorType.REFERENCE_CONFLICT,
          "Reference "
              + Texts.abbreviate(reference)
              + " was already used for "
              + row.id()
              + " ("
              + row.type().code()
              + " "
              + Amounts.format(row.amount())
              + ")",
          "reference");
    }
    WalletTransaction bonus =
        db.jdbc()
            .sql("SELECT * FROM wallet_transactions WHERE related_txn_id = ?")
            .param(row.id())
            .query(Ledger::map)
            .optional()
            .orElse(null);
    return new Posting(row, bonus, true);
  }

  private WalletTransaction append(
      String accountId,
      TransactionType type,
      BigDecimal amount,
      BigDecimal balanceAfter,
      String description,
      String reference,
      String relatedId) {
    // PostgreSQL keeps microseconds: truncate so the returned row equals the stored one.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    // Rows carry the column's scale, so a row read back equals the row returned here.
    WalletTransaction row =
        new WalletTransaction(
            Ids.newTransactionId(),
            accountId,
            type,
            amount.setScale(Amounts.SCALE, RoundingMode.UNNECESSARY),
            balanceAfter.setScale(Amounts.SCALE, RoundingMode.UNNECESSARY),
            description,
            reference,
            relatedId,
            now);
    Timestamp at = Timestamp.from(now);
    List<Object> params = new ArrayList<>(List.of(balanceAfter, at, accountId));
    params.addAll(
        Arrays.asList(
            row.id(),
            accountId,
            type.code(),
            amount,
            balanceAfter,
            description,
            reference,
            relatedId,
            at));
    // The balance and its ledger row in one statement: one round trip, and both or neither.
    db.jdbc()
        .sql(
            "WITH wallet AS (UPDATE wallets SET balance = ?, updated_at = ? WHERE account_id = ?)"
                + " INSERT INTO wallet_transactions (id, account_id, type, amount, balance_after,"
                + " description, reference, related_txn_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(params)
        .update();
    return row;
  }

  private static String describe(String description, String fallback) {
    String text = Texts.clean(description, "description", MAX_DESCRIPTION, false);
    return text == null ? fallback : text;
  }

  private static String defaultDescription(TransactionType type) {
    return switch (type) {
      case TOPUP -> "Credit top-up";
      case BONUS -> "Bonus credit";
      case REFUND -> "Refund";
      case USAGE -> "API usage";
    };
  }

  static WalletException notFound(String accountId) {
    return new WalletException(
        ErrorType.ACCOUNT_NOT_FOUND, "No account " + Texts.abbreviate(accountId), "account");
  }

  static WalletTransaction map(ResultSet rs, int row) throws SQLException {
    return new WalletTransaction(
        rs.getString("id"),
        rs.getString("account_id"),
        TransactionType.valueOf(rs.getString("type").toUpperCase(java.util.Locale.ROOT)),
        rs.getBigDecimal("amount"),
        rs.getBigDecimal("balance_after"),
        rs.getString("description"),
        rs.getString("reference"),
        rs.getString("related_txn_id"),
        rs.getTimestamp("created_at").toInstant());
  }
}
