package dev.walletworker.holds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.account.Wallets;
import dev.walletworker.holds.HoldTransfers.Actual;
import dev.walletworker.holds.HoldTransfers.Captured;
import dev.walletworker.holds.HoldTransfers.Created;
import dev.walletworker.holds.HoldTransfers.NewHold;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.ledger.UsageDebit;
import dev.walletworker.ledger.UsageOutcome;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Holds against real PostgreSQL: reserve, capture, release, expire, and what they refuse. */
class HoldTransfersIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final ModelPrices prices = new ModelPrices(db.database(), clock);
  private final Wallets wallets = new Wallets(db.database());
  private final Holds holds = new Holds(db.database());
  private final HoldTransfers transfers =
      new HoldTransfers(db.database(), holds, wallets, prices, clock);
  private String account;

  @BeforeEach
  void givenAWalletAndAPrice() {
    account = wallet("10.00");
    // 2.00 per million in, 10.00 per million out, cached input 0.50.
    prices.set(
        "chat-v1",
        new BigDecimal("2.00"),
        new BigDecimal("10.00"),
        new BigDecimal("0.50"),
        Instant.parse("2026-11-01T00:00:00Z"));
  }

  @Test
  void aHoldReservesTheWorstCaseAtTheCurrentPriceAndLowersTheAvailableBalance() {
    Created created = transfers.hold(model("req-1", account, 100_000, 50_000));

    // 100,000 × 2.00 + 50,000 × 10.00 per million = 0.20 + 0.50.
    assertThat(created.hold().amount()).isEqualByComparingTo("0.70");
    assertThat(created.hold().status()).isEqualTo(HoldStatus.HELD);
    assertThat(created.hold().id()).matches("hold_[a-z0-9]{24}");
    assertThat(created.hold().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(created.available()).isEqualByComparingTo("9.30");
    assertThat(wallet())
        .containsEntry("balance", new BigDecimal("10.000000"))
        .containsEntry("held", new BigDecimal("0.700000"))
        .containsEntry("available", new BigDecimal("9.300000"));
    assertThat(ledger.history(account, 10, null).transactions()).hasSize(1);
  }

  @Test
  void theSameIdAgainReturnsTheSameHoldAndHoldsNothingMore() {
    Created first = transfers.hold(amount("req-1", account, "3.00"));
    Created again = transfers.hold(amount("req-1", account, "3.000"));

    assertThat(again.replay()).isTrue();
    assertThat(again.hold().id()).isEqualTo(first.hold().id());
    assertThat(again.hold().amount()).isEqualByComparingTo("3.00");
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("3.000000"));
  }

  @Test
  void aRetryAfterTheModelsPriceFellToZeroIsStillTheSameHold() {
    Created first = transfers.hold(model("req-1", account, 100_000, 50_000));
    clock.advance(Duration.ofMinutes(1));
    prices.set("chat-v1", BigDecimal.ZERO, BigDecimal.ZERO, null, clock.instant());

    Created again = transfers.hold(model("req-1", account, 100_000, 50_000));

    assertThat(again.replay()).isTrue();
    assertThat(again.hold().id()).isEqualTo(first.hold().id());
    assertThat(again.available()).isEqualByComparingTo("9.30");
    // A new request at that price still has nothing to hold.
    assertThat(refusal(() -> transfers.hold(model("req-2", account, 100_000, 50_000))))
        .isEqualTo(ErrorType.INVALID_REQUEST);
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("0.700000"));
  }

  @Test
  void theSameIdWithAnotherAmountOrModelOrTokensIsAReferenceConflict() {
    transfers.hold(amount("req-1", account, "3.00"));
    transfers.hold(model("req-2", account, 1000, 500));

    assertThat(refusal(() -> transfers.hold(amount("req-1", account, "5.00"))))
        .isEqualTo(ErrorType.REFERENCE_CONFLICT);
    assertThat(refusal(() -> transfers.hold(model("req-1", account, 1000, 500))))
        .isEqualTo(ErrorType.REFERENCE_CONFLICT);
    assertThat(refusal(() -> transfers.hold(model("req-2", account, 1000, 501))))
        .isEqualTo(ErrorType.REFERENCE_CONFLICT);
    assertThat(refusal(() -> transfers.hold(model("req-2", account, 1001, 500))))
        .isEqualTo(ErrorType.REFERENCE_CONFLICT);
    assertThat(refusal(() -> transfers.hold(amount("req-2", account, "0.01"))))
        .isEqualTo(ErrorType.REFERENCE_CONFLICT);
    assertThat(transfers.hold(model("req-2", account, 1000, 500)).replay()).isTrue();
    assertThat(holds.list(account, null, 10)).hasSize(2);
  }

  @Test
  void aCapturePostsOneUsageRowAtTheHoldsPriceVersionAndReleasesTheRest() {
    Hold hold = transfers.hold(model("req-1", account, 100_000, 50_000)).hold();
    // A new price after the hold does not change what its capture costs.
    prices.set(
        "chat-v1",
        new BigDecimal("20.00"),
        new BigDecimal("100.00"),
        null,
        clock.instant().minusSeconds(1));

    Captured captured =
        transfers.capture(hold.id(), null, new Actual(10_000L, 2_000L, 4_000L, null));

    // 10,000 × 2.00 + 2,000 × 10.00 + 4,000 × 0.50 per million = 0.02 + 0.02 + 0.002.
    assertThat(captured.amount()).isEqualByComparingTo("0.042");
    assertThat(captured.balanceAfter()).isEqualByComparingTo("9.958");
    assertThat(captured.hold().status()).isEqualTo(HoldStatus.CAPTURED);
    assertThat(wallet())
        .containsEntry("balance", new BigDecimal("9.958000"))
        .containsEntry("held", new BigDecimal("0.000000"));
    Map<String, Object> row =
        db.jdbc()
            .sql("SELECT * FROM wallet_transactions WHERE id = ?")
            .param(captured.transactionId())
            .query()
            .singleRow();
    assertThat(row)
        .containsEntry("type", "usage")
        .containsEntry("hold_id", hold.id())
        .containsEntry("price_id", hold.priceId())
        .containsEntry("input_tokens", 10_000L)
        .containsEntry("description", "API usage - chat-v1");
    assertThat(spend()).isEqualByComparingTo("0.042");
  }

  @Test
  void capturingTwiceReturnsTheFirstResultAndPostsOnce() {
    Hold hold = transfers.hold(amount("req-1", account, "3.00")).hold();
    Captured first =
        transfers.capture(hold.id(), account, new Actual(null, null, null, bd("1.25")));
    Captured second =
        transfers.capture(hold.id(), account, new Actual(null, null, null, bd("2.50")));

    assertThat(second.replay()).isTrue();
    assertThat(second.transactionId()).isEqualTo(first.transactionId());
    assertThat(second.amount()).isEqualByComparingTo("1.25");
    assertThat(second.balanceAfter()).isEqualByComparingTo("8.75");
    assertThat(usageRows()).isEqualTo(1);
  }

  @Test
  void aCaptureAboveTheHoldAndTheBalanceStillPostsAndOnlyThenCanTheBalanceBeNegative() {
    Hold hold = transfers.hold(amount("req-1", account, "9.00")).hold();

    Captured captured =
        transfers.capture(hold.id(), null, new Actual(null, null, null, bd("12.50")));

    assertThat(captured.balanceAfter()).isEqualByComparingTo("-2.50");
    assertThat(wallet()).containsEntry("available", new BigDecimal("-2.500000"));
    // Below zero, nothing new is held or debited until the balance is back above zero.
    assertThatThrownBy(() -> transfers.hold(amount("req-2", account, "0.01")))
        .isInstanceOf(WalletException.class)
        .extracting(e -> ((WalletException) e).type())
        .isEqualTo(ErrorType.INSUFFICIENT_FUNDS);
    UsageOutcome usage =
        ledger
            .postUsage(List.of(new UsageDebit(account, "u-1", bd("0.01"), "API usage", null, null)))
            .get(0);
    assertThat(usage).isInstanceOf(UsageOutcome.Refused.class);
    assertThat(overdraft()).isEqualByComparingTo("2.50");
    // A credit on a negative balance is fine, even if it leaves it below zero; it makes good
    // part of what the capture took below zero.
    ledger.credit(account, bd("1.00"), TransactionType.REFUND, "goodwill", null);
    assertThat(wallets.balance(account)).contains(new BigDecimal("-1.500000"));
    assertThat(overdraft()).isEqualByComparingTo("1.50");
    // The database itself refuses the balance any lower than the captures left it.
    assertThatThrownBy(
            () ->
                db.jdbc()
                    .sql("UPDATE wallets SET balance = -1.51 WHERE account_id = ?")
                    .param(account)
                    .update())
        .hasMessageContaining("wallets_balance_check");
    ledger.credit(account, bd("5.00"), TransactionType.REFUND, "top-up", null);
    assertThat(overdraft()).isEqualByComparingTo("0");
    // Any other row taking a balance below zero is refused by the database itself.
    assertThatThrownBy(
            () ->
                db.jdbc()
                    .sql(
                        "INSERT INTO wallet_transactions (id, account_id, type, amount,"
                            + " balance_after, description, created_at)"
                            + " VALUES ('txn_aaaaaaaaaaaaaaaaaaaaaaaa', ?, 'usage', -1, -2.5, 'x', now())")
                    .param(account)
                    .update())
        .hasMessageContaining("wallet_transactions_balance_after");
  }

  @Test
  void usageAndNewHoldsCheckTheAvailableBalance() {
    transfers.hold(amount("req-1", account, "8.00"));

    UsageOutcome usage =
        ledger
            .postUsage(List.of(new UsageDebit(account, "u-1", bd("2.50"), "API usage", null, null)))
            .get(0);
    assertThat(usage).isInstanceOf(UsageOutcome.Refused.class);
    assertThat(((UsageOutcome.Refused) usage).message()).contains("available balance is 2.00");
    assertThat(
            db.jdbc()
                .sql(
                    "SELECT outcome FROM debit_usage(?, 2.50, 'x', 'u-2', 'txn_bbbbbbbbbbbbbbbbbbbbbbbb',"
                        + " now(), date_trunc('month', now())::date)")
                .param(account)
                .query(String.class)
                .single())
        .isEqualTo("insufficient_funds");
    assertThatThrownBy(() -> transfers.hold(amount("req-2", account, "2.01")))
        .extracting(e -> ((WalletException) e).type())
        .isEqualTo(ErrorType.INSUFFICIENT_FUNDS);
    assertThat(transfers.hold(amount("req-3", account, "2.00")).available())
        .isEqualByComparingTo("0");
  }

  @Test
  void aHoldIsRefusedWhenSpendPlusActiveHoldsWouldPassABlockingLimit() {
    accounts.updateSettings(
        account, new SettingsChange().limitEnabled(true).monthlyLimit(bd("5.00")));
    ledger.postUsage(List.of(new UsageDebit(account, "u-1", bd("2.00"), "API usage", null, null)));
    transfers.hold(amount("req-1", account, "2.00"));

    assertThatThrownBy(() -> transfers.hold(amount("req-2", account, "1.01")))
        .isInstanceOf(WalletException.class)
        .satisfies(
            e -> {
              assertThat(((WalletException) e).type()).isEqualTo(ErrorType.SPENDING_LIMIT);
              assertThat(e.getMessage()).contains("spent this month 2.00", "held 2.00");
            });
    assertThat(transfers.hold(amount("req-3", account, "1.00")).hold().status())
        .isEqualTo(HoldStatus.HELD);
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("3.000000"));
  }

  @Test
  void aSpendCounterAMonthAheadStillCountsAgainstABlockingLimit() {
    accounts.updateSettings(
        account, new SettingsChange().limitEnabled(true).monthlyLimit(bd("5.00")));
    // The clock is in November; the counter already counts December (the ledger adds
    // November's usage to it then, so it is this month's spend as far as the limit goes).
    db.jdbc()
        .sql(
            "UPDATE wallets SET spend_month = '2026-12-01', spend_month_to_date = 4"
                + " WHERE account_id = ?")
        .param(account)
        .update();

    assertThat(refusal(() -> transfers.hold(amount("req-1", account, "1.01"))))
        .isEqualTo(ErrorType.SPENDING_LIMIT);
    assertThat(transfers.hold(amount("req-2", account, "1.00")).hold().status())
        .isEqualTo(HoldStatus.HELD);
  }

  @Test
  void aBlockedUnknownOrInvalidRequestHoldsNothing() {
    String blocked = wallet("10.00");
    accounts.block(blocked, "fraud review");

    assertThat(refusal(() -> transfers.hold(amount("r", blocked, "1.00"))))
        .isEqualTo(ErrorType.ACCOUNT_BLOCKED);
    assertThat(refusal(() -> transfers.hold(amount("r", "acct_doesnotexist0000", "1.00"))))
        .isEqualTo(ErrorType.ACCOUNT_NOT_FOUND);
    assertThat(refusal(() -> transfers.hold(amount("r", account, "-1.00"))))
        .isEqualTo(ErrorType.INVALID_AMOUNT);
    assertThat(refusal(() -> transfers.hold(model("r", account, 10, 10, "no-such-model"))))
        .isEqualTo(ErrorType.INVALID_REQUEST);
    assertThat(
            refusal(
                () ->
                    transfers.hold(
                        new NewHold("r", account, null, null, null, bd("1"), Duration.ZERO))))
        .isEqualTo(ErrorType.INVALID_REQUEST);
    assertThat(
            refusal(
                () ->
                    transfers.hold(
                        new NewHold(
                            "r", account, null, null, null, bd("1"), Duration.ofSeconds(86_401)))))
        .isEqualTo(ErrorType.INVALID_REQUEST);
    assertThat(db.jdbc().sql("SELECT count(*) FROM holds").query(Long.class).single()).isZero();
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("0.000000"));
  }

  @Test
  void aBlockCommittedWhileAHoldWaitsForTheWalletIsSeen() throws Exception {
    // The block holds the wallet's lock while the hold waits for it: once it commits, the hold
    // must read the account as it is now, not as it was when it began to wait.
    CompletableFuture<ErrorType> hold = new CompletableFuture<>();
    boolean waited =
        db.database()
            .inTransaction(
                () -> {
                  accounts.block(account, "fraud review");
                  new Thread(
                          () -> {
                            try {
                              hold.complete(
                                  refusal(() -> transfers.hold(amount("r", account, "1.00"))));
                            } catch (Throwable e) {
                              hold.completeExceptionally(e);
                            }
                          })
                      .start();
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                  while (System.nanoTime() < deadline) {
                    // The activity view is read once per transaction unless cleared.
                    db.jdbc().sql("SELECT pg_stat_clear_snapshot()").query(rs -> {});
                    if (db.jdbc()
                            .sql(
                                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
                                    + " 'Lock' AND query LIKE '%create_hold%'")
                            .query(Long.class)
                            .single()
                        == 1) {
                      return true;
                    }
                    Thread.onSpinWait();
                  }
                  return false;
                });
    assertThat(waited).as("the hold waited for the wallet's lock").isTrue();
    assertThat(hold.get(10, TimeUnit.SECONDS)).isEqualTo(ErrorType.ACCOUNT_BLOCKED);
    assertThat(db.jdbc().sql("SELECT count(*) FROM holds").query(Long.class).single()).isZero();
  }

  @Test
  void aReleaseGivesItAllBackOnceAndARelasedHoldCannotBeCaptured() {
    Hold hold = transfers.hold(amount("req-1", account, "4.00")).hold();

    assertThat(transfers.release(hold.id(), null).status()).isEqualTo(HoldStatus.RELEASED);
    assertThat(transfers.release(hold.id(), null).status()).isEqualTo(HoldStatus.RELEASED);
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("0.000000"));
    assertThat(
            refusal(
                () -> transfers.capture(hold.id(), null, new Actual(null, null, null, bd("1")))))
        .isEqualTo(ErrorType.HOLD_SETTLED);
    assertThat(usageRows()).isZero();
  }

  @Test
  void anotherAccountsHoldIsNotFound() {
    String other = wallet("10.00");
    Hold hold = transfers.hold(amount("req-1", account, "4.00")).hold();

    assertThat(
            refusal(
                () -> transfers.capture(hold.id(), other, new Actual(null, null, null, bd("1")))))
        .isEqualTo(ErrorType.HOLD_NOT_FOUND);
    assertThat(refusal(() -> transfers.release(hold.id(), other)))
        .isEqualTo(ErrorType.HOLD_NOT_FOUND);
    assertThat(holds.find(hold.id()).orElseThrow().status()).isEqualTo(HoldStatus.HELD);
  }

  @Test
  void expiryReleasesHoldsPastTheirTimeAndALateCaptureStillPostsOnce() {
    Hold shortHold =
        transfers
            .hold(
                new NewHold("req-1", account, null, null, null, bd("3.00"), Duration.ofSeconds(30)))
            .hold();
    transfers.hold(amount("req-2", account, "2.00"));
    assertThat(holds.nextExpiry()).contains(shortHold.expiresAt());

    clock.advance(Duration.ofSeconds(29));
    assertThat(transfers.expireDue(100)).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(transfers.expireDue(100)).isEqualTo(1);

    assertThat(holds.find(shortHold.id()).orElseThrow().status()).isEqualTo(HoldStatus.EXPIRED);
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("2.000000"));
    Captured late =
        transfers.capture(shortHold.id(), null, new Actual(null, null, null, bd("2.75")));
    assertThat(late.hold().status()).isEqualTo(HoldStatus.CAPTURED);
    assertThat(late.hold().expiredAt()).isNotNull();
    // A late capture releases nothing (the expiry already did).
    assertThat(wallet())
        .containsEntry("balance", new BigDecimal("7.250000"))
        .containsEntry("held", new BigDecimal("2.000000"));
    assertThat(
            transfers
                .capture(shortHold.id(), null, new Actual(null, null, null, bd("2.75")))
                .replay())
        .isTrue();
    assertThat(usageRows()).isEqualTo(1);
  }

  @Test
  void releasingAnExpiredHoldSettlesItSoThatNoLateCapturePosts() {
    Hold hold =
        transfers
            .hold(
                new NewHold("req-1", account, null, null, null, bd("3.00"), Duration.ofSeconds(30)))
            .hold();
    transfers.hold(amount("req-2", account, "2.00"));
    clock.advance(Duration.ofSeconds(30));
    assertThat(transfers.expireDue(100)).isEqualTo(1);
    Instant expiredAt = holds.find(hold.id()).orElseThrow().expiredAt();
    clock.advance(Duration.ofSeconds(5));

    Hold released = transfers.release(hold.id(), null);

    assertThat(released.status()).isEqualTo(HoldStatus.RELEASED);
    assertThat(released.expiredAt()).isEqualTo(expiredAt);
    assertThat(released.settledAt()).isEqualTo(clock.instant());
    // The expiry gave the 3.00 back already: only the other hold is still held.
    assertThat(wallet())
        .containsEntry("balance", new BigDecimal("10.000000"))
        .containsEntry("held", new BigDecimal("2.000000"));
    assertThat(
            refusal(
                () -> transfers.capture(hold.id(), null, new Actual(null, null, null, bd("1")))))
        .isEqualTo(ErrorType.HOLD_SETTLED);
    assertThat(transfers.release(hold.id(), null).status()).isEqualTo(HoldStatus.RELEASED);
    assertThat(usageRows()).isZero();
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("2.000000"));
  }

  @Test
  void aReleaseOrACaptureDoesNotReArmTheLowBalanceAlertButACreditOrASettingDoes() {
    accounts.updateSettings(
        account, new SettingsChange().alertEnabled(true).alertThreshold(bd("5.00")));
    // A hold takes the available balance below the threshold, and the alert job sends its email.
    Hold first = transfers.hold(amount("req-1", account, "6.00")).hold();
    assertThat(lowBalanceCandidate()).isTrue();
    alerted();

    // Its release and a small capture lift the available balance back above the threshold: the
    // next hold below it must not be a new crossing (one email per request near the threshold).
    transfers.release(first.id(), null);
    assertThat(alertArmed()).isFalse();
    Hold second = transfers.hold(amount("req-2", account, "6.00")).hold();
    transfers.capture(second.id(), null, new Actual(null, null, null, bd("0.50")));
    assertThat(alertArmed()).isFalse();
    transfers.hold(amount("req-3", account, "6.00"));
    assertThat(lowBalanceCandidate()).isFalse();

    // A credit that brings the available balance back above the threshold re-arms it.
    ledger.credit(account, bd("5.00"), TransactionType.REFUND, "refund", null);
    assertThat(alertArmed()).isTrue();

    // So does a change of its settings that leaves the available balance at or above it.
    alerted();
    accounts.updateSettings(account, new SettingsChange().alertThreshold(bd("4.00")));
    assertThat(alertArmed()).isTrue();
  }

  private void alerted() {
    db.jdbc()
        .sql("UPDATE wallets SET low_balance_alerted_at = now() WHERE account_id = ?")
        .param(account)
        .update();
  }

  private boolean alertArmed() {
    return db.jdbc()
        .sql("SELECT low_balance_alerted_at IS NULL FROM wallets WHERE account_id = ?")
        .param(account)
        .query(Boolean.class)
        .single();
  }

  @Test
  void aHoldWhoseExpiryFailsIsSkippedAndTheOthersStillExpire() {
    Hold broken = transfers.hold(expiring("req-1", Duration.ofSeconds(10))).hold();
    transfers.hold(expiring("req-2", Duration.ofSeconds(20)));
    transfers.hold(expiring("req-3", Duration.ofSeconds(30)));
    clock.advance(Duration.ofMinutes(1));
    // The soonest hold cannot be expired: read first by every pass (of one hold each).
    db.jdbc()
        .sql(
            "CREATE FUNCTION test_fail_hold() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN RAISE EXCEPTION 'broken hold'; END $$")
        .update();
    db.jdbc()
        .sql(
            "CREATE TRIGGER test_fail_hold BEFORE UPDATE ON holds FOR EACH ROW"
                + " WHEN (OLD.id = '"
                + broken.id()
                + "') EXECUTE FUNCTION test_fail_hold()")
        .update();
    try {
      assertThat(transfers.expireAll(1, () -> false)).isEqualTo(2);
    } finally {
      db.jdbc().sql("DROP TRIGGER test_fail_hold ON holds").update();
      db.jdbc().sql("DROP FUNCTION test_fail_hold()").update();
    }

    assertThat(holds.find(broken.id()).orElseThrow().status()).isEqualTo(HoldStatus.HELD);
    assertThat(holds.list(account, HoldStatus.EXPIRED, 10)).hasSize(2);
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("1.000000"));
    // The next run tries it again.
    assertThat(transfers.expireAll(1, () -> false)).isEqualTo(1);
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("0.000000"));
  }

  @Test
  void aStopRequestEndsTheExpiryRunBetweenPasses() {
    transfers.hold(expiring("req-1", Duration.ofSeconds(10)));
    transfers.hold(expiring("req-2", Duration.ofSeconds(20)));
    transfers.hold(expiring("req-3", Duration.ofSeconds(30)));
    clock.advance(Duration.ofMinutes(1));

    assertThat(transfers.expireAll(2, () -> true)).isEqualTo(2);
    assertThat(holds.list(account, HoldStatus.HELD, 10)).hasSize(1);
  }

  @Test
  void aCaptureOfNothingReleasesTheHoldAndPostsNoRow() {
    Hold hold = transfers.hold(model("req-1", account, 1000, 1000)).hold();

    Captured captured = transfers.capture(hold.id(), null, new Actual(0L, 0L, null, null));

    assertThat(captured.amount()).isEqualByComparingTo("0");
    assertThat(captured.transactionId()).isNull();
    assertThat(wallet().get("held")).isEqualTo(new BigDecimal("0.000000"));
    assertThat(usageRows()).isZero();
  }

  @Test
  void aHoldThatTakesTheAvailableBalanceBelowAThresholdMakesTheWalletACandidate() {
    db.jdbc()
        .sql(
            "UPDATE wallets SET low_balance_alert_enabled = true, low_balance_alert_threshold = 5"
                + " WHERE account_id = ?")
        .param(account)
        .update();
    assertThat(lowBalanceCandidate()).isFalse();

    Hold hold = transfers.hold(amount("req-1", account, "6.00")).hold();
    assertThat(lowBalanceCandidate()).isTrue();

    transfers.release(hold.id(), null);
    assertThat(lowBalanceCandidate()).isFalse();
  }

  @Test
  void aHoldThatCrossesAThresholdWakesAutoTopUpAndAlertsAtCommit() throws Exception {
    db.jdbc()
        .sql(
            "UPDATE wallets SET low_balance_alert_enabled = true, low_balance_alert_threshold = 5,"
                + " auto_topup_enabled = true, auto_topup_threshold = 4, auto_topup_amount = 25,"
                + " stripe_customer_id = 'cus_a', stripe_payment_method_id = 'pm_a'"
                + " WHERE account_id = ?")
        .param(account)
        .update();
    try (java.sql.Connection listener = db.dataSource().getConnection();
        java.sql.Statement listen = listener.createStatement()) {
      listen.execute("LISTEN wallet_wakeup");
      transfers.hold(amount("req-1", account, "4.00")); // available 6.00: no crossing
      assertThat(notifications(listener)).doesNotContain("low-balance-alerts", "auto-topup");

      transfers.hold(amount("req-2", account, "3.00")); // available 3.00: below both

      assertThat(notifications(listener))
          .containsExactlyInAnyOrder("low-balance-alerts", "auto-topup");
      listen.execute("UNLISTEN *"); // the connection goes back to the pool
    }
  }

  @Test
  void aHoldThatExpiresSoonerThanEveryActiveOneWakesTheExpiryJob() throws Exception {
    try (java.sql.Connection listener = db.dataSource().getConnection();
        java.sql.Statement listen = listener.createStatement()) {
      listen.execute("LISTEN wallet_wakeup");

      transfers.hold(expiring("req-1", Duration.ofMinutes(10))); // the only one: soonest
      assertThat(notifications(listener)).containsExactly("hold-expiry");
      transfers.hold(expiring("req-2", Duration.ofMinutes(20))); // after req-1: the run is set
      assertThat(notifications(listener)).isEmpty();
      transfers.hold(expiring("req-3", Duration.ofMinutes(5))); // sooner than all
      assertThat(notifications(listener)).containsExactly("hold-expiry");
      listen.execute("UNLISTEN *");
    }
  }

  private NewHold expiring(String id, Duration expiresIn) {
    return new NewHold(id, account, null, null, null, bd("1.00"), expiresIn);
  }

  private static List<String> notifications(java.sql.Connection listener) throws Exception {
    List<String> payloads = new java.util.ArrayList<>();
    org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
    // Delivered at the hold's commit, before hold() returns; a short wait reads them.
    org.postgresql.PGNotification[] batch = pg.getNotifications(500);
    if (batch != null) {
      for (org.postgresql.PGNotification n : batch) {
        payloads.add(n.getParameter());
      }
    }
    return payloads;
  }

  private boolean lowBalanceCandidate() {
    return db.jdbc()
        .sql(
            "SELECT EXISTS (SELECT 1 FROM wallets w WHERE w.account_id = ? AND "
                + Wallets.LOW_BALANCE_CANDIDATE
                + ")")
        .param(account)
        .query(Boolean.class)
        .single();
  }

  private static ErrorType refusal(Runnable call) {
    try {
      call.run();
    } catch (WalletException e) {
      return e.type();
    }
    throw new AssertionError("not refused");
  }

  private NewHold amount(String id, String accountId, String amount) {
    return new NewHold(id, accountId, null, null, null, bd(amount), null);
  }

  private NewHold model(String id, String accountId, long in, long out) {
    return model(id, accountId, in, out, "chat-v1");
  }

  private NewHold model(String id, String accountId, long in, long out, String model) {
    return new NewHold(id, accountId, model, in, out, null, null);
  }

  private Map<String, Object> wallet() {
    return db.jdbc()
        .sql("SELECT balance, held, available FROM wallets WHERE account_id = ?")
        .param(account)
        .query()
        .singleRow();
  }

  private BigDecimal overdraft() {
    return db.jdbc()
        .sql("SELECT capture_overdraft FROM wallets WHERE account_id = ?")
        .param(account)
        .query(BigDecimal.class)
        .single();
  }

  private BigDecimal spend() {
    return db.jdbc()
        .sql("SELECT spend_month_to_date FROM wallets WHERE account_id = ?")
        .param(account)
        .query(BigDecimal.class)
        .single();
  }

  private long usageRows() {
    return db.jdbc()
        .sql("SELECT count(*) FROM wallet_transactions WHERE account_id = ? AND type = 'usage'")
        .param(account)
        .query(Long.class)
        .single();
  }

  private String wallet(String balance) {
    String id = accounts.create("owner@example.com", null, null).account().id();
    ledger.credit(id, new BigDecimal(balance), TransactionType.REFUND, "opening", null);
    return id;
  }

  private static BigDecimal bd(String value) {
    return new BigDecimal(value);
  }
}
