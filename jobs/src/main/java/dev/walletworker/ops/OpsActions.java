package dev.walletworker.ops;

import dev.walletworker.ErrorType;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.account.AccountView;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.Wallets;
import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.db.Database;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.Posting;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailStatus;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ops actions on accounts, wallets and mail, each with its audit row in the action's own
 * transaction: the one implementation behind the CLI's commands and the ops console's buttons, so
 * both change the same things and record the same row.
 */
public final class OpsActions {

  /** The longest {@code refers_to} (a transaction id, a ticket number). */
  public static final int MAX_REFERS_TO = 100;

  private final Database db;
  private final Accounts accounts;
  private final Ledger ledger;
  private final MailOutbox mail;
  private final AuditLog audit;
  private final Wallets wallets;

  public OpsActions(Database db, Clock clock) {
    this.db = db;
    this.accounts = new Accounts(db, clock);
    this.ledger = new Ledger(db, clock);
    this.mail = new MailOutbox(db, clock);
    this.audit = new AuditLog(db, clock);
    this.wallets = new Wallets(db);
  }

  /**
   * Blocks the account for ops' {@code reason}; the audit row holds the status before and after.
   */
  public AccountView block(String operator, String accountId, String reason) {
    return statusChange(operator, accountId, AuditAction.ACCOUNT_BLOCK, reason);
  }

  /** Lifts any block of the account; {@code reason} is optional. */
  public AccountView unblock(String operator, String accountId, String reason) {
    return statusChange(operator, accountId, AuditAction.ACCOUNT_UNBLOCK, reason);
  }

  private AccountView statusChange(
      String operator, String accountId, AuditAction action, String reason) {
    return db.inTransaction(
        () -> {
          // The wallet lock first, as every writer of the account takes it: the "before" read
          // next cannot change before the action does.
          wallets.lockForUpdate(accountId);
          AccountView before = accounts.get(accountId);
          AccountView view =
              action == AuditAction.ACCOUNT_BLOCK
                  ? accounts.block(accountId, reason)
                  : accounts.unblock(accountId);
          audit.record(
              new AuditLog.Change(
                  operator,
                  action,
                  "account",
                  accountId,
                  accountId,
                  reason,
                  status(before),
                  status(view),
                  null));
          return view;
        });
  }

  /**
   * Credits the wallet (a refund, a bonus, a top-up) with its reason and the transaction it refers
   * to (one of the same account's, else refused and nothing changes). A replay of the same {@code
   * reference} changes nothing and records nothing: its first call has the row.
   */
  public Posting credit(
      String operator,
      String accountId,
      BigDecimal amount,
      TransactionType type,
      String description,
      String reference,
      String reason,
      String refersTo) {
    String refers = Texts.clean(refersTo, "refers_to", MAX_REFERS_TO, false);
    return db.inTransaction(
        () -> {
          // The audit row names the transaction this credit answers for: it must be one of this
          // account's, or the trail points at nothing (or at another owner's money).
          if (refers != null && ledger.find(accountId, refers).isEmpty()) {
            throw new WalletException(
                ErrorType.INVALID_REQUEST,
                "refers_to must be a transaction of account " + accountId,
                "refers_to");
          }
          Posting posting = ledger.credit(accountId, amount, type, description, reference);
          if (!posting.replayed()) {
            BigDecimal after = posting.balanceAfter();
            BigDecimal credited =
                posting.bonus() == null
                    ? posting.transaction().amount()
                    : posting.transaction().amount().add(posting.bonus().amount());
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("type", type.code());
            values.put("amount", posting.transaction().amount());
            values.put("balance", after);
            audit.record(
                new AuditLog.Change(
                    operator,
                    AuditAction.WALLET_CREDIT,
                    "transaction",
                    posting.transaction().id(),
                    accountId,
                    reason,
                    Map.of("balance", after.subtract(credited)),
                    values,
                    refers));
          }
          return posting;
        });
  }

  /** Queues a failed message again (anything else is refused: failed is what it was before). */
  public MailOutbox.Entry retryMail(String operator, long id) {
    return db.inTransaction(
        () -> {
          MailOutbox.Entry entry = mail.retry(id);
          audit.record(
              new AuditLog.Change(
                  operator,
                  AuditAction.MAIL_RETRY,
                  "mail",
                  Long.toString(id),
                  entry.accountId(),
                  null,
                  Map.of("status", MailStatus.FAILED.code()),
                  Map.of("status", entry.status().code(), "attempts", entry.attempts()),
                  null));
          return entry;
        });
  }

  /** The account's status as an audit row's before or after. */
  public static Map<String, Object> status(AccountView view) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", view.account().status().code());
    json.put("blocked_reason", view.account().blockedReason());
    return json;
  }
}
