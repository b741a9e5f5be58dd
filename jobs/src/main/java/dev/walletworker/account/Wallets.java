package dev.walletworker.account;

import dev.walletworker.db.Database;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;

/**
 * The {@code wallets} table and the {@code accounts} row each wallet belongs to (one to one): the
 * only code with SQL against them, but for two owners with a rule of their own. {@link
 * dev.walletworker.ledger.Ledger} moves money: it locks wallets, reads what decides a debit and
 * writes balances together with their {@code wallet_transactions} rows, in as few statements as the
 * hot path allows (and the {@code debit_usage()} function does the same in SQL). {@link
 * AccountBlocks} is the one writer of {@code accounts.status}. Callers ask in domain words; the
 * candidate rules of the jobs are defined here once, next to the partial indexes that serve them.
 */
public final class Wallets {

  /**
   * A wallet that needs an automatic top-up: on, its available balance (less active holds: a large
   * hold starts a top-up before its capture) below its threshold, with a card on file. Indexed by
   * {@code wallets_auto_topup_candidates} (V32); {@code wallets_watch} wakes the job when a wallet
   * becomes one (R__wallets_watch.sql). Over the alias {@code w}.
   */
  public static final String AUTO_TOPUP_CANDIDATE =
      "w.auto_topup_enabled AND w.available < w.auto_topup_threshold"
          + " AND w.stripe_customer_id IS NOT NULL AND w.stripe_payment_method_id IS NOT NULL";

  /**
   * A wallet whose low-balance alert is due: on, armed, its available balance below its threshold.
   * Indexed by {@code wallets_low_balance_candidates} (V32). Over the alias {@code w}.
   */
  public static final String LOW_BALANCE_CANDIDATE =
      "w.low_balance_alert_enabled AND w.low_balance_alerted_at IS NULL"
          + " AND w.available < w.low_balance_alert_threshold";

  /** The share of the monthly limit at which the owner is warned (and a wallet is a candidate). */
  public static final BigDecimal SPEND_WARNING_SHARE = new BigDecimal("0.8");

  /**
   * A wallet at 80% of its spending limit or more. Indexed by {@code wallets_budget_candidates}
   * (V7). Over the alias {@code w}.
   */
  static final String BUDGET_CANDIDATE =
      "w.spending_limit_enabled AND w.spend_month_to_date >= w.spending_limit_monthly * "
          + SPEND_WARNING_SHARE;

  private final Database db;

  public Wallets(Database db) {
    this.db = db;
  }

  /** Inserts an active account and its empty wallet; runs in the caller's transaction. */
  void insert(
      String accountId, String email, String displayName, String currency, Instant createdAt) {
    Timestamp now = Timestamp.from(createdAt);
    db.jdbc()
        .sql("INSERT INTO accounts (id, email, display_name, created_at) VALUES (?, ?, ?, ?)")
        .params(accountId, email, displayName, now)
        .update();
    db.jdbc()
        .sql("INSERT INTO wallets (account_id, currency, updated_at) VALUES (?, ?, ?)")
        .params(accountId, currency, now)
        .update();
  }

  /** The ids of the accounts whose owner's address is {@code email} (any case), oldest first. */
  java.util.List<String> idsByEmail(String email) {
    return db.jdbc()
        .sql("SELECT id FROM accounts WHERE lower(email) = lower(?) ORDER BY created_at, id")
        .param(email)
        .query(String.class)
        .list();
  }

  /** Whether the account exists. */
  public boolean exists(String accountId) {
    return db.jdbc()
        .sql("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
        .param(accountId)
        .query(Boolean.class)
        .single();
  }

  /**
   * The account and its wallet; {@code topUpsSince} starts the window of the daily top-up cap (see
   * {@link DailyTopUpCap}).
   */
  Optional<AccountView> find(String accountId, Instant topUpsSince) {
    return db.jdbc()
        .sql(
            "SELECT a.*, w.*, "
                + DailyTopUpCap.COUNT
                + " AS topups_last_day FROM accounts a JOIN wallets w ON w.account_id = a.id"
                + " WHERE a.id = ?")
        .params(Timestamp.from(topUpsSince), accountId)
        .query(Wallets::map)
        .optional();
  }

  /** As {@link #find}, holding the wallet's row lock until the transaction ends. */
  Optional<AccountView> lockAndFind(String accountId, Instant topUpsSince) {
    return db.jdbc()
        .sql(
            "SELECT a.*, w.*, "
                + DailyTopUpCap.COUNT
                + " AS topups_last_day FROM accounts a JOIN wallets w ON w.account_id = a.id"
                + " WHERE a.id = ? FOR UPDATE OF w")
        .params(Timestamp.from(topUpsSince), accountId)
        .query(Wallets::map)
        .optional();
  }

  /**
   * Takes the wallet's row lock until the transaction ends; false when there is no such wallet.
   * Every writer of a wallet or of its account's status takes it first (the ledger reads the status
   * after it), so they serialise and never deadlock.
   */
  public boolean lockForUpdate(String accountId) {
    return db.jdbc()
        .sql("SELECT account_id FROM wallets WHERE account_id = ? FOR UPDATE")
        .param(accountId)
        .query(String.class)
        .optional()
        .isPresent();
  }

  /** Takes the row locks of several wallets, in account order (no deadlock between batches). */
  public void lockForUpdate(String[] sortedAccountIds) {
    db.jdbc()
        .sql("SELECT 1 FROM wallets WHERE account_id = ANY(?) ORDER BY account_id FOR UPDATE")
        .param(sortedAccountIds)
        .query(rs -> {});
  }

  /** The balance, or empty when there is no such wallet. */
  public Optional<BigDecimal> balance(String accountId) {
    return db.jdbc()
        .sql("SELECT balance FROM wallets WHERE account_id = ?")
        .param(accountId)
        .query(BigDecimal.class)
        .optional();
  }

  /** The balance, holding the wallet's row lock; empty when there is no such wallet. */
  public Optional<BigDecimal> lockBalance(String accountId) {
    return db.jdbc()
        .sql("SELECT balance FROM wallets WHERE account_id = ? FOR UPDATE")
        .param(accountId)
        .query(BigDecimal.class)
        .optional();
  }

  /**
   * Writes the owner's settings. {@code freshStart}: past declines are forgotten (auto top-up
   * turned back on, or the card changed); {@code limitChanged}: the limit's alerts are armed again.
   */
  void writeSettings(
      String accountId, Wallet next, boolean freshStart, boolean limitChanged, Instant now) {
    db.jdbc()
        .sql(
            "UPDATE wallets SET auto_topup_enabled = ?, auto_topup_threshold = ?,"
                + " auto_topup_amount = ?, stripe_customer_id = ?,"
                + " stripe_payment_method_id = ?, low_balance_alert_enabled = ?,"
                + " low_balance_alert_threshold = ?, spending_limit_enabled = ?,"
                + " spending_limit_monthly = ?, spending_limit_action = ?, updated_at = ?,"
                // A fresh start for auto top-up when the owner turns it back on or changes
                // the card: past declines were about the old situation.
                + " auto_topup_failures = CASE WHEN ? THEN 0 ELSE auto_topup_failures END,"
                + " auto_topup_retry_after = CASE WHEN ? THEN NULL ELSE auto_topup_retry_after END,"
                + " auto_topup_disabled_reason = CASE WHEN ? THEN NULL ELSE auto_topup_disabled_reason END,"
                // A changed limit is a new limit: its 80% and 100% alerts are armed again.
                + " spend_alert_month = CASE WHEN ? THEN NULL ELSE spend_alert_month END,"
                + " spend_warning_month = CASE WHEN ? THEN NULL ELSE spend_warning_month END"
                + " WHERE account_id = ?")
        .params(
            next.autoTopUp().enabled(),
            next.autoTopUp().threshold(),
            next.autoTopUp().amount(),
            next.autoTopUp().stripeCustomerId(),
            next.autoTopUp().paymentMethodId(),
            next.lowBalanceAlert().enabled(),
            next.lowBalanceAlert().threshold(),
            next.spendingLimit().enabled(),
            next.spendingLimit().monthlyLimit(),
            next.spendingLimit().action().code(),
            Timestamp.from(now),
            freshStart,
            freshStart,
            freshStart || !next.autoTopUp().enabled(),
            limitChanged,
            limitChanged,
            accountId)
        .update();
  }

  // Holds.

  /**
   * Reserves {@code amount} (positive) or gives back {@code -amount} of the balance for a hold,
   * under the wallet's row lock the caller holds. Fires {@code wallets_watch}: a hold that takes
   * the available balance below a threshold wakes auto top-up and alerts at once.
   */
  public void changeHeld(String accountId, BigDecimal amount, Instant at) {
    db.jdbc()
        .sql("UPDATE wallets SET held = held + ?, updated_at = ? WHERE account_id = ?")
        .params(amount, Timestamp.from(at), accountId)
        .update();
  }

  /** The balance, what holds reserve and the currency; empty when there is no such wallet. */
  public Optional<Map<String, Object>> balances(String accountId) {
    return db
        .jdbc()
        .sql("SELECT balance, held, available, currency FROM wallets WHERE account_id = ?")
        .param(accountId)
        .query()
        .listOfRows()
        .stream()
        .findFirst();
  }

  // Low-balance alerts.

  /** Account ids of {@link #LOW_BALANCE_CANDIDATE} wallets, by keyset paging on the id. */
  public static JdbcPagingItemReader<String> lowBalanceCandidates(Database db, int pageSize)
      throws Exception {
    return candidates("lowBalanceCandidates", db, LOW_BALANCE_CANDIDATE, pageSize);
  }

  /**
   * Claims the wallet's alert for the current crossing, if it is still a candidate (another run, or
   * a balance back above the threshold, makes it no longer one): one crossing, one alert.
   */
  public boolean claimLowBalanceAlert(String accountId, Instant at) {
    return db.jdbc()
            .sql(
                "UPDATE wallets w SET low_balance_alerted_at = ? WHERE w.account_id = ? AND "
                    + LOW_BALANCE_CANDIDATE)
            .params(Timestamp.from(at), accountId)
            .update()
        == 1;
  }

  /** What the low-balance email says: currency, balance, threshold, auto top-up and its values. */
  public Map<String, Object> lowBalanceFacts(String accountId) {
    return db.jdbc()
        .sql(
            "SELECT currency, balance, held, available, low_balance_alert_threshold AS threshold,"
                + " auto_topup_enabled AND stripe_payment_method_id IS NOT NULL AS auto_topup,"
                + " auto_topup_amount, auto_topup_threshold FROM wallets WHERE account_id = ?")
        .param(accountId)
        .query()
        .singleRow();
  }

  // Auto top-up.

  /** Account ids of {@link #AUTO_TOPUP_CANDIDATE} wallets, by keyset paging on the id. */
  public static JdbcPagingItemReader<String> autoTopUpCandidates(Database db, int pageSize)
      throws Exception {
    return candidates("autoTopUpCandidates", db, AUTO_TOPUP_CANDIDATE, pageSize);
  }

  /** The wallet's balance, currency and auto top-up amount ({@code amount}), for an email. */
  public Map<String, Object> topUpFacts(String accountId) {
    return db.jdbc()
        .sql(
            "SELECT balance, currency, auto_topup_amount AS amount FROM wallets WHERE account_id = ?")
        .param(accountId)
        .query()
        .singleRow();
  }

  /**
   * Why an automatic top-up with {@code paymentMethodId} should not be charged now, or null to
   * charge it: the account was blocked, auto top-up was switched off, the card changed, or the
   * wallet is no longer a candidate.
   */
  public String reasonNotToCharge(String accountId, String paymentMethodId) {
    return db.jdbc()
        .sql(
            "SELECT CASE"
                + " WHEN a.status <> 'active' THEN 'account_blocked'"
                + " WHEN NOT w.auto_topup_enabled THEN 'auto_topup_disabled'"
                + " WHEN w.stripe_payment_method_id IS DISTINCT FROM ? THEN 'payment_method_changed'"
                + " WHEN NOT ("
                + AUTO_TOPUP_CANDIDATE
                + ") THEN 'no_longer_needed'"
                + " ELSE 'charge' END FROM wallets w JOIN accounts a ON a.id = w.account_id WHERE w.account_id = ?")
        .params(paymentMethodId, accountId)
        .query(String.class)
        .optional()
        .filter(reason -> !reason.equals("charge"))
        .orElse(null);
  }

  /** A top-up succeeded: the decline count and cool-down start again. */
  public void clearDeclines(String accountId) {
    db.jdbc()
        .sql(
            "UPDATE wallets SET auto_topup_failures = 0, auto_topup_retry_after = NULL WHERE account_id = ?")
        .param(accountId)
        .update();
  }

  /** The wallet after a decline was counted. */
  public record Declined(int failures, BigDecimal balance, BigDecimal amount) {}

  /** Counts a decline and cools down until {@code retryAfter}. */
  public Declined recordDecline(String accountId, Instant retryAfter) {
    return db.jdbc()
        .sql(
            "UPDATE wallets SET auto_topup_failures = auto_topup_failures + 1, auto_topup_retry_after = ?"
                + " WHERE account_id = ? RETURNING auto_topup_failures, balance, auto_topup_amount")
        .params(Timestamp.from(retryAfter), accountId)
        .query(
            (rs, row) ->
                new Declined(
                    rs.getInt("auto_topup_failures"),
                    rs.getBigDecimal("balance"),
                    rs.getBigDecimal("auto_topup_amount")))
        .single();
  }

  /** Switches auto top-up off for the owner to see why. */
  public void switchOffAutoTopUp(String accountId, String reason) {
    db.jdbc()
        .sql(
            "UPDATE wallets SET auto_topup_enabled = false, auto_topup_disabled_reason = ? WHERE account_id = ?")
        .params(reason, accountId)
        .update();
  }

  // Spending limits.

  /**
   * Account ids of {@link #BUDGET_CANDIDATE} wallets and of accounts blocked by their limit (whose
   * block may no longer apply), by keyset paging on the id.
   */
  public static JdbcPagingItemReader<String> budgetCandidates(Database db, int pageSize)
      throws Exception {
    return new JdbcPagingItemReaderBuilder<String>()
        .name("spendingLimitCandidates")
        .dataSource(db.dataSource())
        .selectClause("c.account_id")
        .fromClause(
            "(SELECT w.account_id FROM wallets w WHERE "
                + BUDGET_CANDIDATE
                + " UNION SELECT id FROM accounts WHERE "
                + AccountBlocks.BLOCKED_BY_LIMIT
                + ") c")
        .sortKeys(Map.of("account_id", Order.ASCENDING))
        .rowMapper((rs, row) -> rs.getString(1))
        .pageSize(pageSize)
        .build();
  }

  /** The spending-limit state of a wallet and its account, read under the wallet's row lock. */
  public record SpendState(
      boolean enabled,
      BigDecimal limit,
      boolean blockAction,
      Date spendMonth,
      BigDecimal spendMonthToDate,
      Date alertMonth,
      Date warningMonth,
      String currency,
      boolean blockedByLimit,
      Instant blockedSince) {}

  /** Locks the wallet and reads its spending-limit state. */
  public SpendState lockSpendState(String accountId) {
    return db.jdbc()
        .sql(
            "SELECT w.*, a.status, a.blocked_reason, a.blocked_since FROM wallets w"
                + " JOIN accounts a ON a.id = w.account_id WHERE w.account_id = ? FOR UPDATE OF w")
        .param(accountId)
        .query(
            (rs, row) -> {
              Timestamp since = rs.getTimestamp("blocked_since");
              return new SpendState(
                  rs.getBoolean("spending_limit_enabled"),
                  rs.getBigDecimal("spending_limit_monthly"),
                  SpendingLimitAction.fromCode(rs.getString("spending_limit_action"))
                      == SpendingLimitAction.BLOCK,
                  rs.getDate("spend_month"),
                  rs.getBigDecimal("spend_month_to_date"),
                  rs.getDate("spend_alert_month"),
                  rs.getDate("spend_warning_month"),
                  rs.getString("currency"),
                  AccountStatus.BLOCKED.name().equalsIgnoreCase(rs.getString("status"))
                      && AccountBlocks.SPENDING_LIMIT.equals(rs.getString("blocked_reason")),
                  since == null ? null : since.toInstant());
            })
        .single();
  }

  /** The month's 100% alert was sent (which also covers its 80% heads-up). */
  public void markSpendAlerted(String accountId, Date month) {
    db.jdbc()
        .sql(
            "UPDATE wallets SET spend_alert_month = ?, spend_warning_month = ? WHERE account_id = ?")
        .params(month, month, accountId)
        .update();
  }

  /** The month's 80% heads-up was sent. */
  public void markSpendWarned(String accountId, Date month) {
    db.jdbc()
        .sql("UPDATE wallets SET spend_warning_month = ? WHERE account_id = ?")
        .params(month, accountId)
        .update();
  }

  /** An account blocked by its spending limit, with the limit and currency its email names. */
  public record LimitBlock(String accountId, BigDecimal limit, String currency) {}

  /** Accounts blocked by their spending limit since before {@code before}. */
  public List<LimitBlock> blockedByLimitBefore(Instant before) {
    return db.jdbc()
        .sql(
            "SELECT a.id, w.spending_limit_monthly, w.currency FROM accounts a"
                + " JOIN wallets w ON w.account_id = a.id WHERE "
                + AccountBlocks.BLOCKED_BY_LIMIT
                + " AND a.blocked_since < ?")
        .param(Timestamp.from(before))
        .query(
            (rs, row) ->
                new LimitBlock(
                    rs.getString("id"),
                    rs.getBigDecimal("spending_limit_monthly"),
                    rs.getString("currency")))
        .list();
  }

  private static JdbcPagingItemReader<String> candidates(
      String name, Database db, String condition, int pageSize) throws Exception {
    return new JdbcPagingItemReaderBuilder<String>()
        .name(name)
        .dataSource(db.dataSource())
        .selectClause("w.account_id")
        .fromClause("wallets w")
        .whereClause(condition)
        .sortKeys(Map.of("account_id", Order.ASCENDING))
        .rowMapper((rs, row) -> rs.getString(1))
        .pageSize(pageSize)
        .build();
  }

  private static AccountView map(ResultSet rs, int row) throws SQLException {
    Timestamp blockedSince = rs.getTimestamp("blocked_since");
    Account account =
        new Account(
            rs.getString("id"),
            rs.getString("email"),
            rs.getString("display_name"),
            AccountStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
            rs.getString("blocked_reason"),
            blockedSince == null ? null : blockedSince.toInstant(),
            rs.getTimestamp("created_at").toInstant());
    Timestamp retryAfter = rs.getTimestamp("auto_topup_retry_after");
    Wallet wallet =
        new Wallet(
            rs.getString("account_id"),
            rs.getString("currency"),
            rs.getBigDecimal("balance"),
            rs.getBigDecimal("held"),
            new AutoTopUpSettings(
                rs.getBoolean("auto_topup_enabled"),
                rs.getBigDecimal("auto_topup_threshold"),
                rs.getBigDecimal("auto_topup_amount"),
                rs.getString("stripe_customer_id"),
                rs.getString("stripe_payment_method_id")),
            new LowBalanceAlertSettings(
                rs.getBoolean("low_balance_alert_enabled"),
                rs.getBigDecimal("low_balance_alert_threshold")),
            new SpendingLimitSettings(
                rs.getBoolean("spending_limit_enabled"),
                rs.getBigDecimal("spending_limit_monthly"),
                SpendingLimitAction.fromCode(rs.getString("spending_limit_action"))),
            new AutoTopUpState(
                rs.getInt("auto_topup_failures"),
                retryAfter == null ? null : retryAfter.toInstant(),
                rs.getString("auto_topup_disabled_reason"),
                rs.getInt("topups_last_day")));
    return new AccountView(account, wallet);
  }
}
