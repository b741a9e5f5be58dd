package dev.walletworker.account;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.Ids;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.BonusTiers;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Currency;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates accounts with their wallets, reads them, and changes wallet settings. */
public final class Accounts {

  private static final Logger log = LoggerFactory.getLogger(Accounts.class);

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern CUSTOMER = Pattern.compile("cus_[A-Za-z0-9]{1,250}");
  private static final Pattern PAYMENT_METHOD = Pattern.compile("pm_[A-Za-z0-9_]{1,250}");
  public static final String DEFAULT_CURRENCY = "USD";
  // For ops: the automatic top-ups the daily cap counts (its parameter: 24 hours ago).
  private static final String TOPUPS_LAST_DAY =
      "(SELECT count(*) FROM topup_attempts t WHERE t.account_id = a.id AND t.status = 'succeeded'"
          + " AND t.created_at > ?) AS topups_last_day";

  private final Database db;
  private final Clock clock;

  public Accounts(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Creates an active account with an empty wallet in {@code currency} (USD when null). */
  public AccountView create(String email, String displayName, String currency) {
    String cleanEmail = Texts.clean(email, "email", 254, true);
    if (!EMAIL.matcher(cleanEmail).matches()) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "email must be an address such as owner@example.com, got '"
              + Texts.abbreviate(cleanEmail)
              + "'",
          "email");
    }
    String name = Texts.clean(displayName, "name", 200, false);
    String code = currency(currency);
    String id = Ids.newAccountId();
    Timestamp now = Timestamp.from(clock.instant());
    db.inTransaction(
        () -> {
          db.jdbc()
              .sql("INSERT INTO accounts (id, email, display_name, created_at) VALUES (?, ?, ?, ?)")
              .params(id, cleanEmail, name, now)
              .update();
          return db.jdbc()
              .sql("INSERT INTO wallets (account_id, currency, updated_at) VALUES (?, ?, ?)")
              .params(id, code, now)
              .update();
        });
    log.info("account created account={} currency={}", id, code);
    return get(id);
  }

  public Optional<AccountView> find(String accountId) {
    return db.jdbc()
        .sql(
            "SELECT a.*, w.*, "
                + TOPUPS_LAST_DAY
                + " FROM accounts a JOIN wallets w ON w.account_id = a.id WHERE a.id = ?")
        .params(dayAgo(), accountId)
        .query(Accounts::map)
        .optional();
  }

  /**
   * The ids of the accounts whose owner's address is {@code email} (case-insensitive), oldest
   * first.
   */
  public java.util.List<String> idsByEmail(String email) {
    if (email == null || email.isBlank() || email.length() > 254) {
      return java.util.List.of();
    }
    return db.jdbc()
        .sql("SELECT id FROM accounts WHERE lower(email) = lower(?) ORDER BY created_at, id")
        .param(email.strip())
        .query(String.class)
        .list();
  }

  public AccountView get(String accountId) {
    return find(accountId).orElseThrow(() -> notFound(accountId));
  }

  /**
   * Applies {@code change} to the wallet's settings. The merged settings are validated as a whole
   * and written in one transaction; on any error nothing changes.
   */
  public AccountView updateSettings(String accountId, SettingsChange change) {
    if (change.isEmpty()) {
      throw new WalletException(ErrorType.INVALID_REQUEST, "no setting to change", null);
    }
    return db.inTransaction(
        () -> {
          Wallet current =
              db.jdbc()
                  .sql(
                      "SELECT a.*, w.*, "
                          + TOPUPS_LAST_DAY
                          + " FROM accounts a JOIN wallets w ON w.account_id = a.id"
                          + " WHERE a.id = ? FOR UPDATE OF w")
                  .params(dayAgo(), accountId)
                  .query(Accounts::map)
                  .optional()
                  .orElseThrow(() -> notFound(accountId))
                  .wallet();
          Wallet next = merge(current, change);
          boolean freshStart =
              (next.autoTopUp().enabled() && !current.autoTopUp().enabled())
                  || !java.util.Objects.equals(
                      next.autoTopUp().paymentMethodId(), current.autoTopUp().paymentMethodId());
          boolean limitChanged = !sameLimit(next.spendingLimit(), current.spendingLimit());
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
                  Timestamp.from(clock.instant()),
                  freshStart,
                  freshStart,
                  freshStart || !next.autoTopUp().enabled(),
                  limitChanged,
                  limitChanged,
                  accountId)
              .update();
          log.info(
              "settings changed account={} auto_topup={} alert={} spending_limit={}",
              accountId,
              next.autoTopUp().enabled(),
              next.lowBalanceAlert().enabled(),
              next.spendingLimit().enabled());
          return get(accountId);
        });
  }

  /**
   * Blocks the account for {@code reason} (ops): usage is refused until {@link #unblock}. A block
   * with a reason of its own is never lifted by the spending-limit rules.
   */
  public AccountView block(String accountId, String reason) {
    String why = Texts.clean(reason, "reason", 200, true);
    if (why.equals("spending_limit")) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "reason spending_limit is set by the spending-limit rules; give ops' own reason",
          "reason");
    }
    return db.inTransaction(
        () -> {
          lockWallet(accountId);
          db.jdbc()
              .sql(
                  "UPDATE accounts SET status = 'blocked', blocked_reason = ?, blocked_since = ? WHERE id = ?")
              .params(why, Timestamp.from(clock.instant()), accountId)
              .update();
          log.warn("account blocked account={} reason={} by=ops", accountId, why);
          return get(accountId);
        });
  }

  /** Lifts any block (ops). */
  public AccountView unblock(String accountId) {
    return db.inTransaction(
        () -> {
          lockWallet(accountId);
          db.jdbc()
              .sql(
                  "UPDATE accounts SET status = 'active', blocked_reason = NULL, blocked_since = NULL WHERE id = ?")
              .param(accountId)
              .update();
          log.info("account unblocked account={} by=ops", accountId);
          return get(accountId);
        });
  }

  /* The ledger locks the wallet before it reads the status: so do status changes. */
  private void lockWallet(String accountId) {
    db.jdbc()
        .sql("SELECT account_id FROM wallets WHERE account_id = ? FOR UPDATE")
        .param(accountId)
        .query(String.class)
        .optional()
        .orElseThrow(() -> notFound(accountId));
  }

  private static Wallet merge(Wallet current, SettingsChange change) {
    AutoTopUpSettings topUp = current.autoTopUp();
    BigDecimal topUpThreshold =
        change.autoTopUpThreshold == null
            ? topUp.threshold()
            : Amounts.requireNonNegative(change.autoTopUpThreshold, "auto_topup.threshold");
    BigDecimal topUpAmount = topUp.amount();
    if (change.autoTopUpAmount != null) {
      try {
        topUpAmount = BonusTiers.quote(change.autoTopUpAmount).amount();
      } catch (WalletException e) {
        throw new WalletException(
            e.type(), "auto top-up amount: " + e.getMessage(), "auto_topup.amount");
      }
    }
    String customer =
        change.stripeCustomerId == null
            ? topUp.stripeCustomerId()
            : stripeId(change.stripeCustomerId, CUSTOMER, "stripe_customer", "cus_");
    String paymentMethod =
        change.paymentMethodId == null
            ? topUp.paymentMethodId()
            : stripeId(change.paymentMethodId, PAYMENT_METHOD, "payment_method", "pm_");
    boolean topUpOn = pick(change.autoTopUpEnabled, topUp.enabled());
    if (topUpOn && (topUpThreshold == null || topUpAmount == null)) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "auto top-up needs a threshold and an amount before it can be enabled",
          topUpThreshold == null ? "auto_topup.threshold" : "auto_topup.amount");
    }

    LowBalanceAlertSettings alert = current.lowBalanceAlert();
    BigDecimal alertThreshold =
        change.alertThreshold == null
            ? alert.threshold()
            : Amounts.requireNonNegative(change.alertThreshold, "low_balance_alert.threshold");
    boolean alertOn = pick(change.alertEnabled, alert.enabled());
    if (alertOn && alertThreshold == null) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "the low-balance alert needs a threshold before it can be enabled",
          "low_balance_alert.threshold");
    }

    SpendingLimitSettings limit = current.spendingLimit();
    BigDecimal monthly =
        change.monthlyLimit == null
            ? limit.monthlyLimit()
            : SpendingLimitSettings.requireMonthlyLimit(
                change.monthlyLimit, current.currency(), "spending_limit.monthly_limit");
    boolean limitOn = pick(change.limitEnabled, limit.enabled());
    if (limitOn && monthly == null) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "the spending limit needs a monthly limit before it can be enabled",
          "spending_limit.monthly_limit");
    }
    SpendingLimitAction action = change.limitAction == null ? limit.action() : change.limitAction;

    return new Wallet(
        current.accountId(),
        current.currency(),
        current.balance(),
        new AutoTopUpSettings(topUpOn, topUpThreshold, topUpAmount, customer, paymentMethod),
        new LowBalanceAlertSettings(alertOn, alertThreshold),
        new SpendingLimitSettings(limitOn, monthly, action),
        current.autoTopUpState());
  }

  private static boolean sameLimit(SpendingLimitSettings a, SpendingLimitSettings b) {
    return a.enabled() == b.enabled()
        && a.action() == b.action()
        && (a.monthlyLimit() == null
            ? b.monthlyLimit() == null
            : b.monthlyLimit() != null && a.monthlyLimit().compareTo(b.monthlyLimit()) == 0);
  }

  private static boolean pick(Boolean change, boolean current) {
    return change == null ? current : change;
  }

  private static String stripeId(String value, Pattern format, String param, String prefix) {
    String id = Texts.clean(value, param, 255, true);
    if (!format.matcher(id).matches()) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          param
              + " must be a Stripe id starting with "
              + prefix
              + ", got '"
              + Texts.abbreviate(id)
              + "'",
          param);
    }
    return id;
  }

  private Timestamp dayAgo() {
    return Timestamp.from(clock.instant().minus(java.time.Duration.ofHours(24)));
  }

  static String currency(String currency) {
    if (currency == null || currency.isBlank()) {
      return DEFAULT_CURRENCY;
    }
    String code = currency.strip().toUpperCase(Locale.ROOT);
    try {
      // Cents in ISO 4217 and at Stripe alike (MGA has cents in ISO, not at Stripe): the ledger's
      // top-up rules are in whole cents, and a card charge must be too.
      if (code.matches("[A-Z]{3}")
          && Currency.getInstance(code).getDefaultFractionDigits() == 2
          && dev.walletworker.stripe.StripeAmount.exponent(code) == 2) {
        return code;
      }
    } catch (IllegalArgumentException unknown) {
      // falls through to the error below
    }
    throw new WalletException(
        ErrorType.INVALID_REQUEST,
        "currency must be an ISO 4217 code with cents, such as USD or EUR; got '"
            + Texts.abbreviate(currency)
            + "'",
        "currency");
  }

  static WalletException notFound(String accountId) {
    return new WalletException(
        ErrorType.ACCOUNT_NOT_FOUND, "No account " + Texts.abbreviate(accountId), "account");
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
    Wallet wallet =
        new Wallet(
            rs.getString("account_id"),
            rs.getString("currency"),
            rs.getBigDecimal("balance"),
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
                rs.getTimestamp("auto_topup_retry_after") == null
                    ? null
                    : rs.getTimestamp("auto_topup_retry_after").toInstant(),
                rs.getString("auto_topup_disabled_reason"),
                rs.getInt("topups_last_day")));
    return new AccountView(account, wallet);
  }
}
