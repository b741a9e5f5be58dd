package dev.walletworker.account;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.Ids;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.BonusTiers;
import java.math.BigDecimal;
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

  private final Database db;
  private final Wallets wallets;
  private final AccountBlocks blocks;
  private final Clock clock;

  public Accounts(Database db, Clock clock) {
    this.db = db;
    this.wallets = new Wallets(db);
    this.blocks = new AccountBlocks(db, clock);
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
    db.inTransaction(
        () -> {
          wallets.insert(id, cleanEmail, name, code, clock.instant());
          return null;
        });
    log.info("account created account={} currency={}", id, code);
    return get(id);
  }

  public Optional<AccountView> find(String accountId) {
    return wallets.find(accountId, DailyTopUpCap.since(clock.instant()));
  }

  /**
   * The ids of the accounts whose owner's address is {@code email} (case-insensitive), oldest
   * first.
   */
  public java.util.List<String> idsByEmail(String email) {
    if (email == null || email.isBlank() || email.length() > 254) {
      return java.util.List.of();
    }
    return wallets.idsByEmail(email.strip());
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
              wallets
                  .lockAndFind(accountId, DailyTopUpCap.since(clock.instant()))
                  .orElseThrow(() -> notFound(accountId))
                  .wallet();
          Wallet next = merge(current, change);
          boolean freshStart =
              (next.autoTopUp().enabled() && !current.autoTopUp().enabled())
                  || !java.util.Objects.equals(
                      next.autoTopUp().paymentMethodId(), current.autoTopUp().paymentMethodId());
          boolean limitChanged = !sameLimit(next.spendingLimit(), current.spendingLimit());
          wallets.writeSettings(accountId, next, freshStart, limitChanged, clock.instant());
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
    if (why.equals(AccountBlocks.SPENDING_LIMIT)) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "reason spending_limit is set by the spending-limit rules; give ops' own reason",
          "reason");
    }
    return db.inTransaction(
        () -> {
          blocks.block(accountId, why);
          log.warn("account blocked account={} reason={} by=ops", accountId, why);
          return get(accountId);
        });
  }

  /** Lifts any block (ops). */
  public AccountView unblock(String accountId) {
    return db.inTransaction(
        () -> {
          blocks.unblock(accountId);
          log.info("account unblocked account={} by=ops", accountId);
          return get(accountId);
        });
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
        current.held(),
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
}
