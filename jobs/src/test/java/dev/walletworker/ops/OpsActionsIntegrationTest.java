package dev.walletworker.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.WalletException;
import dev.walletworker.account.AccountStatus;
import dev.walletworker.account.Accounts;
import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ops actions the CLI and the console share: each action and its audit row commit together, or
 * neither does.
 */
class OpsActionsIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Clock clock = Clock.systemUTC();
  private final OpsActions actions = new OpsActions(db.database(), clock);
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final AuditLog audit = new AuditLog(db.database(), clock);
  private String ada;

  @BeforeEach
  void givenAnAccount() {
    ada = accounts.create("ada@example.com", "Ada", null).account().id();
    ledger.credit(ada, new BigDecimal("10.00"), TransactionType.BONUS, null, null);
  }

  @Test
  void aBlockWhoseAuditRowIsRefusedDoesNotHappen() {
    // The operator is checked as the row is written, after the block: the block rolls back.
    assertThatThrownBy(() -> actions.block("x".repeat(AuditLog.MAX_OPERATOR + 1), ada, "fraud"))
        .isInstanceOf(WalletException.class)
        .hasMessageContaining("operator");

    assertThat(accounts.get(ada).account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void aCreditWhoseAuditRowIsRefusedDoesNotHappen() {
    assertThatThrownBy(
            () ->
                actions.credit(
                    "ada\nmallory",
                    ada,
                    new BigDecimal("5"),
                    TransactionType.REFUND,
                    null,
                    null,
                    "refund",
                    null))
        .isInstanceOf(WalletException.class);

    assertThat(ledger.balance(ada)).isEqualByComparingTo("10.00");
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void aCreditReferringToAnotherAccountsTransactionIsRefused() {
    String bob = accounts.create("bob@example.com", "Bob", null).account().id();
    String bobs =
        ledger
            .credit(bob, new BigDecimal("1.00"), TransactionType.BONUS, null, null)
            .transaction()
            .id();

    for (String refersTo : new String[] {bobs, "txn_nonexistent"}) {
      assertThatThrownBy(
              () ->
                  actions.credit(
                      "grace",
                      ada,
                      new BigDecimal("5"),
                      TransactionType.REFUND,
                      null,
                      null,
                      "refund",
                      refersTo))
          .isInstanceOf(WalletException.class)
          .extracting(e -> ((WalletException) e).param())
          .isEqualTo("refers_to");
    }

    assertThat(ledger.balance(ada)).isEqualByComparingTo("10.00");
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }

  @Test
  void aReplayedCreditChangesNothingAndRecordsNothing() {
    String opening = ledger.history(ada, 1, null).transactions().get(0).id();
    actions.credit(
        "grace", ada, new BigDecimal("5"), TransactionType.REFUND, null, "r-1", "refund", opening);
    actions.credit(
        "grace", ada, new BigDecimal("5"), TransactionType.REFUND, null, "r-1", "refund", opening);

    assertThat(ledger.balance(ada)).isEqualByComparingTo("15.00");
    assertThat(audit.list(ada, "grace", AuditAction.WALLET_CREDIT, 10)).hasSize(1);
  }

  @Test
  void retryingAMessageThatDidNotFailIsRefusedWithoutARow() {
    assertThatThrownBy(() -> actions.retryMail("grace", 12345))
        .isInstanceOf(WalletException.class)
        .hasMessageContaining("no mail message 12345");
    assertThat(audit.list(null, null, null, 10)).isEmpty();
  }
}
