package dev.walletworker.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.account.Accounts;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:30:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private String account;

  @BeforeEach
  void givenAnAccount() {
    account = accounts.create("owner@example.com", "Owner", null).account().id();
  }

  @Test
  void topUpAndItsBonusLandAsTwoRowsInOrder() {
    Posting posting = ledger.credit(account, money("100.00"), TransactionType.TOPUP, null, "pi_1");

    assertThat(posting.transaction().type()).isEqualTo(TransactionType.TOPUP);
    assertThat(posting.transaction().amount()).isEqualByComparingTo("100.00");
    assertThat(posting.transaction().balanceAfter()).isEqualByComparingTo("100.00");
    assertThat(posting.transaction().description()).isEqualTo("Credit top-up");
    assertThat(posting.bonus().type()).isEqualTo(TransactionType.BONUS);
    assertThat(posting.bonus().amount()).isEqualByComparingTo("10.00");
    assertThat(posting.bonus().balanceAfter()).isEqualByComparingTo("110.00");
    assertThat(posting.bonus().relatedId()).isEqualTo(posting.transaction().id());
    assertThat(ledger.balance(account)).isEqualByComparingTo("110.00");
    assertThat(types()).containsExactly("topup", "bonus");
  }

  @Test
  void topUpBelowFiftyHasNoBonusRow() {
    Posting posting = ledger.credit(account, money("25.00"), TransactionType.TOPUP, null, null);

    assertThat(posting.bonus()).isNull();
    assertThat(types()).containsExactly("topup");
    assertThat(ledger.balance(account)).isEqualByComparingTo("25.00");
  }

  @Test
  void topUpOutsideTheSelfServeRangeChangesNothing() {
    assertRefused(
        () -> ledger.credit(account, money("500.00"), TransactionType.TOPUP, null, null),
        ErrorType.CONTACT_SALES);
    assertRefused(
        () -> ledger.credit(account, money("9.99"), TransactionType.TOPUP, null, null),
        ErrorType.AMOUNT_BELOW_MINIMUM);
  }

  @Test
  void refundAndBonusCreditsCarryNoTierBonus() {
    ledger.credit(account, money("600"), TransactionType.REFUND, "Refund of overcharge", "ref-1");
    ledger.credit(account, money("0.50"), TransactionType.BONUS, null, null);

    assertThat(types()).containsExactly("refund", "bonus");
    assertThat(ledger.balance(account)).isEqualByComparingTo("600.50");
  }

  @Test
  void usageIsNotACredit() {
    assertRefused(
        () -> ledger.credit(account, money("5"), TransactionType.USAGE, null, null),
        ErrorType.INVALID_REQUEST);
  }

  @Test
  void usageDebitRecordsANegativeAmountAndTheBalanceAfter() {
    ledger.credit(account, money("25.00"), TransactionType.TOPUP, null, null);

    Posting posting = ledger.debitUsage(account, money("0.15"), "gpt call", "req_1");

    assertThat(posting.transaction().amount()).isEqualByComparingTo("-0.15");
    assertThat(posting.transaction().balanceAfter()).isEqualByComparingTo("24.85");
    assertThat(posting.transaction().createdAt()).isEqualTo(clock.instant());
    assertThat(ledger.balance(account)).isEqualByComparingTo("24.85");
  }

  @Test
  void subCentDebitsAreExact() {
    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);

    for (int i = 0; i < 25; i++) {
      ledger.debitUsage(account, money("0.0004"), null, null);
    }

    assertThat(ledger.balance(account)).isEqualByComparingTo("9.99");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "-0.000001"})
  void nonPositiveDebitIsRefused(String amount) {
    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);

    assertRefused(
        () -> ledger.debitUsage(account, money(amount), null, null), ErrorType.INVALID_AMOUNT);
  }

  @Test
  void unknownAccountIsRefused() {
    assertThatThrownBy(() -> ledger.debitUsage("acct_0000000000000000", money("1"), null, null))
        .isInstanceOfSatisfying(
            WalletException.class,
            e -> assertThat(e.type()).isEqualTo(ErrorType.ACCOUNT_NOT_FOUND));
    assertThatThrownBy(
            () ->
                ledger.credit(
                    "acct_0000000000000000", money("1"), TransactionType.REFUND, null, null))
        .isInstanceOfSatisfying(
            WalletException.class,
            e -> assertThat(e.type()).isEqualTo(ErrorType.ACCOUNT_NOT_FOUND));
  }

  @Test
  void blockedAccountMayNotSpendButMayBeCredited() {
    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);
    block(account);

    assertRefused(
        () -> ledger.debitUsage(account, money("1"), null, null), ErrorType.ACCOUNT_BLOCKED);

    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);
    assertThat(ledger.balance(account)).isEqualByComparingTo("20.00");
  }

  @Test
  void debitBeyondTheBalanceIsRefusedButDownToZeroIsAllowed() {
    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);

    assertRefused(
        () -> ledger.debitUsage(account, money("10.000001"), null, null),
        ErrorType.INSUFFICIENT_FUNDS);

    ledger.debitUsage(account, money("10"), null, null);
    assertThat(ledger.balance(account)).isZero();
  }

  @Test
  void sameRequestIdTwiceDebitsOnceAndReturnsTheFirstResult() {
    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);

    Posting first = ledger.debitUsage(account, money("1.25"), null, "req_42");
    Posting again = ledger.debitUsage(account, money("1.25"), null, "req_42");

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.transaction()).isEqualTo(first.transaction());
    assertThat(ledger.balance(account)).isEqualByComparingTo("8.75");
    assertThat(types()).containsExactly("topup", "usage");
  }

  @Test
  void replayIsAnsweredEvenAfterTheAccountWasBlocked() {
    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);
    Posting first = ledger.debitUsage(account, money("1"), null, "req_1");
    block(account);

    assertThat(ledger.debitUsage(account, money("1"), null, "req_1").transaction())
        .isEqualTo(first.transaction());
  }

  @Test
  void sameTopUpReferenceTwiceCreditsOnceWithItsBonus() {
    Posting first = ledger.credit(account, money("50.00"), TransactionType.TOPUP, null, "pi_9");
    Posting again = ledger.credit(account, money("50.00"), TransactionType.TOPUP, null, "pi_9");

    assertThat(again.replayed()).isTrue();
    assertThat(again.transaction()).isEqualTo(first.transaction());
    assertThat(again.bonus()).isEqualTo(first.bonus());
    assertThat(ledger.balance(account)).isEqualByComparingTo("52.50");
  }

  @Test
  void referenceReusedForAnotherTransactionIsRefusedAndChangesNothing() {
    ledger.credit(account, money("50.00"), TransactionType.TOPUP, null, "pi_9");

    assertRefused(
        () -> ledger.credit(account, money("60.00"), TransactionType.TOPUP, null, "pi_9"),
        ErrorType.REFERENCE_CONFLICT);
    assertRefused(
        () -> ledger.debitUsage(account, money("1"), null, "pi_9"), ErrorType.REFERENCE_CONFLICT);
  }

  @Test
  void referencesAreScopedToTheirAccount() {
    String other = accounts.create("other@example.com", null, null).account().id();

    ledger.credit(account, money("20.00"), TransactionType.TOPUP, null, "shared-ref");
    ledger.credit(other, money("30.00"), TransactionType.TOPUP, null, "shared-ref");

    assertThat(ledger.balance(account)).isEqualByComparingTo("20.00");
    assertThat(ledger.balance(other)).isEqualByComparingTo("30.00");
  }

  @Test
  void descriptionWithControlCharactersIsRefused() {
    ledger.credit(account, money("10.00"), TransactionType.TOPUP, null, null);

    assertRefused(
        () -> ledger.debitUsage(account, money("1"), "line\r\nX-Injected: yes", null),
        ErrorType.INVALID_REQUEST);
  }

  @Test
  void historyIsNewestFirstAndPages() {
    ledger.credit(account, money("100.00"), TransactionType.TOPUP, null, null); // + bonus
    for (int i = 1; i <= 3; i++) {
      clock.advance(java.time.Duration.ofMinutes(1));
      ledger.debitUsage(account, money("1"), "call " + i, null);
    }

    TransactionPage first = ledger.history(account, 2, null);
    assertThat(first.transactions())
        .extracting(WalletTransaction::description)
        .containsExactly("call 3", "call 2");
    assertThat(first.hasMore()).isTrue();

    TransactionPage rest = ledger.history(account, 10, first.transactions().get(1).id());
    assertThat(rest.transactions())
        .extracting(WalletTransaction::description)
        .containsExactly("call 1", "Top-up bonus (10%)", "Credit top-up");
    assertThat(rest.hasMore()).isFalse();
  }

  @Test
  void historyRefusesACursorFromAnotherWallet() {
    String other = accounts.create("other@example.com", null, null).account().id();
    String foreign =
        ledger.credit(other, money("20.00"), TransactionType.TOPUP, null, null).transaction().id();

    assertRefused(() -> ledger.history(account, 10, foreign), ErrorType.INVALID_REQUEST);
    assertRefused(() -> ledger.history(account, 0, null), ErrorType.INVALID_REQUEST);
  }

  @Test
  void aDebitStampedJustBeforeMidnightAfterTheNewMonthStartedNeverResetsTheCounter() {
    // Given two processes on one database whose clocks are 2 ms apart at midnight.
    MutableClock ahead = new MutableClock(Instant.parse("2026-12-01T00:00:00.001Z"));
    MutableClock behind = new MutableClock(Instant.parse("2026-11-30T23:59:59.999Z"));
    Ledger first = new Ledger(db.database(), ahead);
    Ledger late = new Ledger(db.database(), behind);
    ledger.credit(account, money("100"), TransactionType.REFUND, null, null);
    late.debitUsage(account, money("3.00"), null, null); // November's last debit
    first.debitUsage(account, money("5.00"), null, null); // December's first: starts from zero

    // When a debit stamped 1 ms before midnight lands after December started.
    late.debitUsage(account, money("2.00"), null, null);

    // Then December's spend keeps its 5.00 and counts the late 2.00 too; nothing is lost.
    assertThat(spend()).isEqualTo("2026-12-01 7.000000");
    first.debitUsage(account, money("1.00"), null, null);
    assertThat(spend()).isEqualTo("2026-12-01 8.000000");
  }

  @Test
  void processesInDifferentZonesNeverTakeTheCounterBackAMonth() {
    // Given 2026-12-01T02:00Z: December in UTC, still November 30 in New York.
    MutableClock now = new MutableClock(Instant.parse("2026-12-01T02:00:00Z"));
    Ledger utc = new Ledger(db.database(), now);
    Ledger newYork =
        new Ledger(db.database(), now.withZone(java.time.ZoneId.of("America/New_York")));
    ledger.credit(account, money("100"), TransactionType.REFUND, null, null);
    utc.debitUsage(account, money("10.00"), null, null);

    // When the process in New York debits what it believes is November's usage.
    newYork.debitUsage(account, money("4.00"), null, null);

    // Then the counter stays in December and keeps both (the zones themselves must agree at
    // start: the worker refuses a TIME_ZONE other than the one the database recorded).
    assertThat(spend()).isEqualTo("2026-12-01 14.000000");
  }

  private String spend() {
    return db.jdbc()
        .sql("SELECT spend_month || ' ' || spend_month_to_date FROM wallets WHERE account_id = ?")
        .param(account)
        .query(String.class)
        .single();
  }

  private void assertRefused(Runnable call, ErrorType expected) {
    BigDecimal balance = ledger.balance(account);
    List<String> before = types();

    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            WalletException.class, e -> assertThat(e.type()).isEqualTo(expected));

    assertThat(ledger.balance(account)).isEqualByComparingTo(balance);
    assertThat(types()).isEqualTo(before);
  }

  private List<String> types() {
    return db.jdbc()
        .sql("SELECT type FROM wallet_transactions WHERE account_id = ? ORDER BY seq")
        .param(account)
        .query(String.class)
        .list();
  }

  private void block(String id) {
    db.jdbc()
        .sql(
            "UPDATE accounts SET status = 'blocked', blocked_reason = 'ops', blocked_since = now()"
                + " WHERE id = ?")
        .param(id)
        .update();
  }

  private static BigDecimal money(String amount) {
    return new BigDecimal(amount);
  }
}
