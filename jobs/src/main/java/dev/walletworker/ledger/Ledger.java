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
   * unknown or blocked, or the balance would go below zero. A reference applied before returns that
   * first debit; reused for another transaction, it is refused.
   */
  public Posting debitUsage(
      String accountId, BigDecimal amount, String description, String requestId) {
    BigDecimal debit = Amounts.requirePositive(amount, "amount");
    String text = describe(description, "API usage");
    String reference = Texts.clean(requestId, "request_id", MAX_REFERENCE, false);
    UsageOutcome outcome =
        postUsage(List.of(new UsageDebit(accountId, reference, debit, text, null, null))).get(0);
    if (outcome instanceof UsageOutcome.Posted posted) {
      return new Posting(posted.row(), null, false);
    }
    if (outcome instanceof UsageOutcome.Replayed replayed) {
      return replayed(replayed.row(), reference, TransactionType.USAGE, debit.negate());
    }
    UsageOutcome.Refused refused = (UsageOutcome.Refused) outcome;
    throw new WalletException(refused.type(), refused.message(), refused.param());
  }

  /**
   * Debits a group of usage in one transaction (the caller's, if it has one), in order: the
   * wallets' rows are locked once each (in account order, so groups posted at the same time by
   * several nodes never deadlock), each debit is decided against the balance the ones before it
   * left, and then every posted row is written in one statement and every wallet updated once — so
   * a group costs a few round trips and one commit however many debits it holds, and a hot wallet
   * is not serialised debit by debit.
   *
   * <p>Each debit is refused on its own, never failing the group: an unknown or blocked account, or
   * a balance it would take below zero. A reference already debited (before, or earlier in the
   * group) is {@link UsageOutcome.Replayed}. Month-to-date spend counts each debit in the calendar
   * month of its posting, in the clock's zone.
   */
  public List<UsageOutcome> postUsage(List<UsageDebit> debits) {
    if (debits.isEmpty()) {
      return List.of();
    }
    return db.inTransaction(() -> new UsageGroup(debits).post());
  }

  /**
   * The rows already posted under a group's (account, reference) pairs: one index probe per pair,
   * whatever the statistics say. As a plain join, a plan made while the ledger looked empty (a new
   * database, the first minutes after a restore) hashed the group against a scan of the whole
   * ledger, and the prepared statement kept that plan until the next ANALYZE: in benchmark 9 it was
   * more of PostgreSQL's time than every other statement together.
   */
  static final String KNOWN_REFERENCES =
      "SELECT t.* FROM unnest(?::text[], ?::text[]) AS r(account_id, reference)"
          + " CROSS JOIN LATERAL (SELECT * FROM wallet_transactions t"
          + " WHERE t.account_id = r.account_id AND t.reference = r.reference LIMIT 1) t";

  /** One group of usage debits being decided and written. */
  private final class UsageGroup {
    private final List<UsageDebit> debits;
    private final Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    private final java.time.LocalDate month =
        java.time.YearMonth.from(now.atZone(clock.getZone())).atDay(1);

    UsageGroup(List<UsageDebit> debits) {
      this.debits = debits;
    }

    List<UsageOutcome> post() {
      java.util.Map<String, WalletState> wallets = lockWallets();
      java.util.Map<String, WalletTransaction> known = knownReferences();
      List<UsageOutcome> outcomes = new ArrayList<>(debits.size());
      List<WalletTransaction> rows = new ArrayList<>();
      for (UsageDebit debit : debits) {
        WalletState wallet = wallets.get(debit.accountId());
        String key = debit.accountId() + "\u0000" + debit.reference();
        WalletTransaction first = debit.reference() == null ? null : known.get(key);
        if (wallet == null) {
          outcomes.add(refused(notFound(debit.accountId()), null));
        } else if (first != null) {
          outcomes.add(
              first.type() == TransactionType.USAGE
                  ? new UsageOutcome.Replayed(first)
                  : refused(conflict(first, debit.reference()), null));
        } else if (wallet.blockedReason != null) {
          outcomes.add(
              new UsageOutcome.Refused(
                  ErrorType.ACCOUNT_BLOCKED,
                  "Account "
                      + debit.accountId()
                      + " is blocked ("
                      + wallet.blockedReason
                      + "): usage is not allowed",
                  null,
                  null));
        } else if (wallet.balance.subtract(wallet.held).subtract(debit.amount()).signum() < 0) {
          // Active holds are reserved for the requests that made them: usage spends what is left.
          BigDecimal available = wallet.balance.subtract(wallet.held);
          outcomes.add(
              new UsageOutcome.Refused(
                  ErrorType.INSUFFICIENT_FUNDS,
                  "Insufficient funds: "
                      + (wallet.held.signum() == 0
                          ? "balance is " + Amounts.format(wallet.balance)
                          : "available balance is "
                              + Amounts.format(available)
                              + " (balance "
                              + Amounts.format(wallet.balance)
                              + ", held "
                              + Amounts.format(wallet.held)
                              + ")")
                      + ", the charge is "
                      + Amounts.format(debit.amount()),
                  "amount",
                  available));
        } else {
          wallet.debit(debit.amount(), month);
          WalletTransaction row =
              new WalletTransaction(
                  Ids.newTransactionId(),
                  debit.accountId(),
                  TransactionType.USAGE,
                  debit.amount().negate().setScale(Amounts.SCALE, RoundingMode.UNNECESSARY),
                  wallet.balance.setScale(Amounts.SCALE, RoundingMode.UNNECESSARY),
                  debit.description(),
                  debit.reference(),
                  null,
                  now,
                  debit.detail(),
                  debit.eventAt() == null ? null : debit.eventAt().truncatedTo(ChronoUnit.MICROS));
          rows.add(row);
          if (debit.reference() != null) {
            known.put(key, row);
          }
          outcomes.add(new UsageOutcome.Posted(row));
        }
      }
      write(rows, wallets);
      return outcomes;
    }

    /** The group's wallets, locked in account order, with what decides a debit. */
    private java.util.Map<String, WalletState> lockWallets() {
      String[] accounts =
          debits.stream().map(UsageDebit::accountId).distinct().sorted().toArray(String[]::new);
      java.util.Map<String, WalletState> wallets = new java.util.HashMap<>();
      db.jdbc()
          .sql("SELECT 1 FROM wallets WHERE account_id = ANY(?) ORDER BY account_id FOR UPDATE")
          .param(accounts)
          .query(rs -> {});
      // Read in a statement of its own, after the locks: under READ COMMITTED it sees what the
      // lock holders before it committed, a block included (a locking read would re-check only
      // the wallet row, not the account's status).
      db.jdbc()
          .sql(
              "SELECT w.account_id, w.balance, w.held, w.spend_month, w.spend_month_to_date,"
                  + " CASE WHEN a.status = 'blocked' THEN a.blocked_reason END AS blocked_reason"
                  + " FROM wallets w JOIN accounts a ON a.id = w.account_id"
                  + " WHERE w.account_id = ANY(?)")
          .param(accounts)
          .query(
              rs -> {
                java.sql.Date spendMonth = rs.getDate("spend_month");
                wallets.put(
                    rs.getString("account_id"),
                    new WalletState(
                        rs.getBigDecimal("balance"),
                        rs.getBigDecimal("held"),
                        spendMonth == null ? null : spendMonth.toLocalDate(),
                        rs.getBigDecimal("spend_month_to_date"),
                        rs.getString("blocked_reason")));
              });
      return wallets;
    }

    /** Rows already posted with the group's references, by account and reference. */
    private java.util.Map<String, WalletTransaction> knownReferences() {
      List<UsageDebit> referenced = debits.stream().filter(d -> d.reference() != null).toList();
      java.util.Map<String, WalletTransaction> known = new java.util.HashMap<>();
      if (referenced.isEmpty()) {
        return known;
      }
      db.jdbc()
          .sql(KNOWN_REFERENCES)
          .params(
              referenced.stream().map(UsageDebit::accountId).toArray(String[]::new),
              referenced.stream().map(UsageDebit::reference).toArray(String[]::new))
          .query(
              rs -> {
                WalletTransaction row = map(rs, 0);
                known.put(row.accountId() + "\u0000" + row.reference(), row);
              });
      return known;
    }

    /** Every posted row in one INSERT and each touched wallet in one UPDATE, one statement. */
    private void write(List<WalletTransaction> rows, java.util.Map<String, WalletState> wallets) {
      if (rows.isEmpty()) {
        return;
      }
      List<String> touched =
          rows.stream().map(WalletTransaction::accountId).distinct().sorted().toList();
      db.jdbc()
          .sql(
              "WITH posted AS ("
                  + " INSERT INTO wallet_transactions (id, account_id, type, amount, balance_after,"
                  + " description, reference, created_at, model, input_tokens, output_tokens,"
                  + " cached_input_tokens, price_id, event_at)"
                  + " SELECT r.id, r.account_id, 'usage', r.amount, r.balance_after, r.description,"
                  + " r.reference, ?, r.model, r.input_tokens, r.output_tokens,"
                  + " r.cached_input_tokens, r.price_id, r.event_at"
                  + " FROM unnest(?::text[], ?::text[], ?::numeric[], ?::numeric[], ?::text[],"
                  + " ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[],"
                  + " ?::timestamptz[]) WITH ORDINALITY AS r(id, account_id, amount, balance_after,"
                  + " description, reference, model, input_tokens, output_tokens,"
                  + " cached_input_tokens, price_id, event_at, ord)"
                  // The order of the fold, so seq follows each wallet's balance_after chain.
                  + " ORDER BY r.ord)"
                  + " UPDATE wallets w SET balance = v.balance, updated_at = ?,"
                  + " spend_month = v.spend_month, spend_month_to_date = v.spend"
                  + " FROM unnest(?::text[], ?::numeric[], ?::date[], ?::numeric[])"
                  + " AS v(account_id, balance, spend_month, spend)"
                  + " WHERE w.account_id = v.account_id")
          .params(
              Timestamp.from(now),
              column(rows, WalletTransaction::id, String[]::new),
              column(rows, WalletTransaction::accountId, String[]::new),
              column(rows, WalletTransaction::amount, BigDecimal[]::new),
              column(rows, WalletTransaction::balanceAfter, BigDecimal[]::new),
              column(rows, WalletTransaction::description, String[]::new),
              column(rows, WalletTransaction::reference, String[]::new),
              column(rows, r -> r.usage() == null ? null : r.usage().model(), String[]::new),
              column(rows, r -> r.usage() == null ? null : r.usage().inputTokens(), Long[]::new),
              column(rows, r -> r.usage() == null ? null : r.usage().outputTokens(), Long[]::new),
              column(
                  rows, r -> r.usage() == null ? null : r.usage().cachedInputTokens(), Long[]::new),
              column(rows, r -> r.usage() == null ? null : r.usage().priceId(), String[]::new),
              column(
                  rows,
                  r -> r.eventAt() == null ? null : Timestamp.from(r.eventAt()),
                  Timestamp[]::new),
              Timestamp.from(now),
              touched.toArray(String[]::new),
              touched.stream().map(a -> wallets.get(a).balance).toArray(BigDecimal[]::new),
              touched.stream()
                  .map(a -> java.sql.Date.valueOf(wallets.get(a).spendMonth))
                  .toArray(java.sql.Date[]::new),
              touched.stream().map(a -> wallets.get(a).spend).toArray(BigDecimal[]::new))
          .update();
      log.debug("usage posted debits={} wallets={}", rows.size(), touched.size());
    }

    private UsageOutcome.Refused refused(WalletException e, BigDecimal balance) {
      return new UsageOutcome.Refused(e.type(), e.getMessage(), e.param(), balance);
    }
  }

  private static <T, V> V[] column(
      List<T> rows,
      java.util.function.Function<T, ? extends V> value,
      java.util.function.IntFunction<V[]> array) {
    return rows.stream().map(value).toArray(array);
  }

  /** A locked wallet as a group's debits change it. */
  private static final class WalletState {
    BigDecimal balance;
    final BigDecimal held;
    java.time.LocalDate spendMonth;
    BigDecimal spend;
    final String blockedReason;

    WalletState(
        BigDecimal balance,
        BigDecimal held,
        java.time.LocalDate spendMonth,
        BigDecimal spend,
        String blocked) {
      this.balance = balance;
      this.held = held;
      this.spendMonth = spendMonth;
      this.spend = spend;
      this.blockedReason = blocked;
    }

    /**
     * Month-to-date spend counts the debit in the month it is posted in. A later month starts the
     * counter again; a debit stamped in an earlier month than the counter's (a process whose clock
     * or zone is behind another's) never resets it: it counts toward the counter's month, so no
     * spend is ever lost to a limit.
     */
    void debit(BigDecimal amount, java.time.LocalDate month) {
      balance = balance.subtract(amount);
      if (spendMonth == null || spendMonth.isBefore(month)) {
        spendMonth = month;
        spend = amount;
      } else {
        spend = spend.add(amount);
      }
    }
  }

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
    return history(accountId, limit, startingAfter, null);
  }

  /**
   * The wallet's history of one {@code type} (null: all), newest first, after the transaction
   * {@code startingAfter} if given.
   */
  public TransactionPage history(
      String accountId, int limit, String startingAfter, TransactionType type) {
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
                          + " AND (?::text IS NULL OR type = ?) ORDER BY seq DESC LIMIT ?")
                  .params(
                      accountId,
                      before,
                      type == null ? null : type.code(),
                      type == null ? null : type.code(),
                      limit + 1)
                  .query(Ledger::map)
                  .list();
          boolean hasMore = rows.size() > limit;
          return new TransactionPage(hasMore ? rows.subList(0, limit) : rows, hasMore);
        });
  }

  /** Every row of the wallet made in {@code [from, to)}, oldest first (a statement's lines). */
  public List<WalletTransaction> between(String accountId, Instant from, Instant to) {
    return db.jdbc()
        .sql(
            "SELECT * FROM wallet_transactions WHERE account_id = ? AND created_at >= ?"
                + " AND created_at < ? ORDER BY seq")
        .params(accountId, Timestamp.from(from), Timestamp.from(to))
        .query(Ledger::map)
        .list();
  }

  /**
   * Usage spent in {@code [from, to)} per day of {@code zone} and model (days without usage are
   * absent; usage posted as a plain amount has no model), by when it happened: an event's own time
   * for metered usage, else when it was posted.
   */
  public List<DailyUsage> usagePerDay(
      String accountId, Instant from, Instant to, java.time.ZoneId zone) {
    return db.jdbc()
        .sql(
            "SELECT (coalesce(event_at, created_at) AT TIME ZONE ?)::date AS day, model,"
                + " -sum(amount) AS spent FROM wallet_transactions WHERE account_id = ?"
                + " AND type = 'usage' AND coalesce(event_at, created_at) >= ?"
                + " AND coalesce(event_at, created_at) < ? GROUP BY 1, 2 ORDER BY 1, 2")
        .params(zone.getId(), accountId, Timestamp.from(from), Timestamp.from(to))
        .query(
            (rs, row) ->
                new DailyUsage(
                    rs.getObject("day", java.time.LocalDate.class),
                    rs.getString("model"),
                    rs.getBigDecimal("spent")))
        .list();
  }

  /** The account's ledger row {@code id}. */
  public Optional<WalletTransaction> find(String accountId, String id) {
    return db.jdbc()
        .sql("SELECT * FROM wallet_transactions WHERE id = ? AND account_id = ?")
        .params(id, accountId)
        .query(Ledger::map)
        .optional();
  }

  /** Charges (usage, positive) and credits (top-ups, bonuses, refunds) of one day, all accounts. */
  public record DayTotals(BigDecimal charges, BigDecimal credits) {}

  /**
   * Every wallet's usage charged and credits posted per day of {@code zone} since {@code from}, by
   * when they were posted (days with neither are absent). Sums of one currency's amounts and
   * another's are added as they are: the ops overview shows how busy a day was.
   */
  public java.util.SortedMap<java.time.LocalDate, DayTotals> totalsPerDay(
      Instant from, java.time.ZoneId zone) {
    java.util.SortedMap<java.time.LocalDate, DayTotals> days = new java.util.TreeMap<>();
    db.jdbc()
        .sql(
            "SELECT (created_at AT TIME ZONE ?)::date AS day,"
                + " coalesce(-sum(amount) FILTER (WHERE type = 'usage'), 0) AS charges,"
                + " coalesce(sum(amount) FILTER (WHERE type <> 'usage'), 0) AS credits"
                + " FROM wallet_transactions WHERE created_at >= ? GROUP BY 1")
        .params(zone.getId(), Timestamp.from(from))
        .query(
            (rs, row) ->
                days.put(
                    rs.getObject("day", java.time.LocalDate.class),
                    new DayTotals(rs.getBigDecimal("charges"), rs.getBigDecimal("credits"))))
        .list();
    return days;
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

  private static WalletException conflict(WalletTransaction row, String reference) {
    return new WalletException(
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
      throw conflict(row, reference);
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
            now,
            null,
            null);
    Timestamp at = Timestamp.from(now);
    List<Object> params = new ArrayList<>(List.of(balanceAfter, at, balanceAfter, accountId));
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
            // A credit makes good what captures took below zero (see V32's capture_overdraft).
            "WITH wallet AS (UPDATE wallets SET balance = ?, updated_at = ?,"
                + " capture_overdraft = LEAST(capture_overdraft, GREATEST(0, -?::numeric))"
                + " WHERE account_id = ?)"
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
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("model") == null
            ? null
            : new UsageDetail(
                rs.getString("model"),
                rs.getLong("input_tokens"),
                rs.getLong("output_tokens"),
                rs.getLong("cached_input_tokens"),
                rs.getString("price_id")),
        rs.getTimestamp("event_at") == null ? null : rs.getTimestamp("event_at").toInstant());
  }
}
