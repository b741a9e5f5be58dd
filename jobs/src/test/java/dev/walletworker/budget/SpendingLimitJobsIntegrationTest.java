package dev.walletworker.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.account.AccountStatus;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.account.SpendingLimitAction;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.testing.BatchJobs;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.core.BatchStatus;

/** Spending limits with a clock the test moves: block, alert, heads-up, rollover, unblock. */
class SpendingLimitJobsIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private MutableClock clock = new MutableClock(Instant.parse("2026-11-15T12:00:00Z"));
  private Clock zoned = clock;
  private Accounts accounts;
  private Ledger ledger;
  private BatchJobs jobs;

  private void given(ZoneId zone, Instant now) {
    clock.set(now);
    zoned = clock.withZone(zone);
    accounts = new Accounts(db.database(), zoned);
    ledger = new Ledger(db.database(), zoned);
    jobs =
        new BatchJobs(
            db,
            zoned,
            List.of(ledger, new MailOutbox(db.database(), zoned)),
            BudgetJobsConfiguration.class);
  }

  @AfterEach
  void close() {
    if (jobs != null) {
      jobs.close();
    }
  }

  @Test
  void crossingTheLimitMidMonthBlocksOnceAndUsageIsRefused() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("100.00", SpendingLimitAction.BLOCK, "500.00");
    ledger.debitUsage(account, new BigDecimal("99.99"), null, null);
    enforce();
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);

    ledger.debitUsage(account, new BigDecimal("0.02"), null, null); // 100.01
    enforce();
    enforce();

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
    assertThat(accounts.get(account).account().blockedReason()).isEqualTo("spending_limit");
    assertThat(mail(account)).containsExactly("spending_limit_blocked");
    assertThatThrownBy(() -> ledger.debitUsage(account, new BigDecimal("0.01"), null, null))
        .isInstanceOfSatisfying(
            WalletException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.ACCOUNT_BLOCKED));
  }

  @Test
  void exactlyAtTheLimitCountsAsReached() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("50.00", SpendingLimitAction.BLOCK, "500.00");
    ledger.debitUsage(account, new BigDecimal("50.00"), null, null);

    enforce();

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
  }

  @Test
  void alertAccountsGetAHeadsUpAtEightyPercentAndOneAlertAtTheLimitAndKeepWorking() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("100.00", SpendingLimitAction.ALERT, "500.00");
    ledger.debitUsage(account, new BigDecimal("79.99"), null, null);
    enforce();
    assertThat(mail(account)).isEmpty();

    ledger.debitUsage(account, new BigDecimal("0.01"), null, null); // 80.00
    enforce();
    enforce();
    ledger.debitUsage(account, new BigDecimal("25"), null, null); // 105
    enforce();
    enforce();
    ledger.debitUsage(account, new BigDecimal("25"), null, null);
    enforce();

    assertThat(mail(account)).containsExactly("spending_alert", "spending_alert");
    assertThat(payloads(account))
        .anyMatch(p -> p.contains("\"percent\": 80"))
        .anyMatch(p -> p.contains("\"percent\": 100"));
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);
  }

  @Test
  void theRolloverAtMidnightStartsANewMonthAndLiftsTheBlockOnceEvenIfRunTwice() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-30T23:59:59.999Z"));
    String account = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    ledger.debitUsage(
        account, new BigDecimal("10.00"), null, null); // the last millisecond of November
    enforce();
    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);

    clock.set(Instant.parse("2026-12-01T00:00:00Z"));
    rollover();
    rollover();

    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);
    assertThat(mail(account)).containsExactly("spending_limit_blocked", "account_unblocked");
    ledger.debitUsage(account, new BigDecimal("9.99"), null, null); // December starts from zero
    enforce();
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);
    assertThat(spend(account)).isEqualByComparingTo("9.99");
  }

  @Test
  void monthsFollowTheConfiguredZone() {
    ZoneId newYork = ZoneId.of("America/New_York");
    // 04:59:59.999Z on Dec 1 is still November 30 in New York.
    given(newYork, Instant.parse("2026-12-01T04:59:59.999Z"));
    String account = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    ledger.debitUsage(account, new BigDecimal("10.00"), null, null);
    enforce();
    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);

    clock.set(Instant.parse("2026-12-01T04:00:00Z")); // 23:00 in New York: still November
    rollover();
    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);

    clock.set(Instant.parse("2026-12-01T05:00:00Z")); // midnight in New York
    rollover();
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);
    assertThat(
            db.jdbc()
                .sql("SELECT spend_month::text FROM wallets WHERE account_id = ?")
                .param(account)
                .query(String.class)
                .single())
        .isEqualTo("2026-11-01");
  }

  @Test
  void raisingOrDisablingTheLimitLiftsTheBlockAtTheNextRun() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String raised = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    String disabled = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    ledger.debitUsage(raised, new BigDecimal("10"), null, null);
    ledger.debitUsage(disabled, new BigDecimal("10"), null, null);
    enforce();

    accounts.updateSettings(raised, new SettingsChange().monthlyLimit(new BigDecimal("10.01")));
    accounts.updateSettings(disabled, new SettingsChange().limitEnabled(false));
    enforce();

    assertThat(status(raised)).isEqualTo(AccountStatus.ACTIVE);
    assertThat(status(disabled)).isEqualTo(AccountStatus.ACTIVE);
    assertThat(mail(raised)).containsExactly("spending_limit_blocked", "account_unblocked");
    assertThat(payloads(raised).get(1)).contains("\"new_month\": false");
  }

  @Test
  void switchingFromAlertToBlockWithSpendAlreadyOverBlocks() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("10.00", SpendingLimitAction.ALERT, "100.00");
    ledger.debitUsage(account, new BigDecimal("12"), null, null);
    enforce();
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);

    accounts.updateSettings(account, new SettingsChange().limitAction(SpendingLimitAction.BLOCK));
    enforce();

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
    assertThat(mail(account)).containsExactly("spending_alert", "spending_limit_blocked");
  }

  @Test
  void aSecondBlockInTheSameMonthAfterTheLimitWasRaisedIsEmailedToo() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    ledger.debitUsage(account, new BigDecimal("10"), null, null);
    enforce();
    clock.advance(Duration.ofMinutes(5));
    accounts.updateSettings(account, new SettingsChange().monthlyLimit(new BigDecimal("20.00")));
    enforce();
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);

    clock.advance(Duration.ofMinutes(5));
    ledger.debitUsage(account, new BigDecimal("10"), null, null); // 20.00: the raised limit
    enforce();
    enforce();

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
    assertThat(mail(account))
        .containsExactly("spending_limit_blocked", "account_unblocked", "spending_limit_blocked");
    assertThat(payloads(account).get(2)).contains("\"limit\": 20.000000");
  }

  @Test
  void blockThenAlertThenBlockAgainTellsTheOwnerEachTime() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    ledger.debitUsage(account, new BigDecimal("12"), null, null);
    enforce();

    clock.advance(Duration.ofMinutes(5));
    accounts.updateSettings(account, new SettingsChange().limitAction(SpendingLimitAction.ALERT));
    enforce(); // the first run that sees it over its limit under alert: unblock and alert at once
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);
    assertThat(mail(account))
        .containsExactly("spending_limit_blocked", "account_unblocked", "spending_alert");
    assertThat(payloads(account).get(2)).contains("\"percent\": 100");

    clock.advance(Duration.ofMinutes(5));
    accounts.updateSettings(account, new SettingsChange().limitAction(SpendingLimitAction.BLOCK));
    enforce();
    enforce();

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
    assertThat(mail(account))
        .containsExactly(
            "spending_limit_blocked",
            "account_unblocked",
            "spending_alert",
            "spending_limit_blocked");
  }

  @Test
  void aBlockLiftedByOpsAndImposedAgainIsEmailedAgain() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    ledger.debitUsage(account, new BigDecimal("10"), null, null);
    enforce();

    clock.advance(Duration.ofMinutes(5));
    accounts.unblock(account); // ops lift it; the spend is still at the limit
    enforce();
    enforce();

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
    assertThat(mail(account)).containsExactly("spending_limit_blocked", "spending_limit_blocked");
  }

  @Test
  void anAccountOverItsLimitUnderAlertIsAlertedInTheFirstRunAndAgainForARaisedLimit() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("10.00", SpendingLimitAction.ALERT, "100.00");
    ledger.debitUsage(account, new BigDecimal("15"), null, null); // from nothing to over at once

    enforce();
    assertThat(mail(account)).containsExactly("spending_alert");
    assertThat(payloads(account).get(0)).contains("\"percent\": 100");

    clock.advance(Duration.ofMinutes(5));
    accounts.updateSettings(account, new SettingsChange().monthlyLimit(new BigDecimal("20.00")));
    enforce();
    assertThat(mail(account)).containsExactly("spending_alert");
    ledger.debitUsage(account, new BigDecimal("2"), null, null); // 17: 85% of the new limit
    enforce();
    ledger.debitUsage(account, new BigDecimal("3"), null, null); // 20: the new limit
    enforce();
    enforce();

    assertThat(mail(account)).containsExactly("spending_alert", "spending_alert", "spending_alert");
    assertThat(payloads(account).get(1)).contains("\"percent\": 80", "\"limit\": 20.000000");
    assertThat(payloads(account).get(2)).contains("\"percent\": 100", "\"limit\": 20.000000");
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);
  }

  @Test
  void aBlockSetByOpsSurvivesTheRolloverAndLimitChanges() {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-30T12:00:00Z"));
    String account = account("10.00", SpendingLimitAction.BLOCK, "100.00");
    accounts.block(account, "chargeback investigation");
    accounts.updateSettings(account, new SettingsChange().limitEnabled(false));

    clock.set(Instant.parse("2026-12-01T00:00:00Z"));
    rollover();
    enforce();

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
    assertThat(accounts.get(account).account().blockedReason())
        .isEqualTo("chargeback investigation");
    assertThat(mail(account)).isEmpty();
    accounts.unblock(account);
    assertThat(status(account)).isEqualTo(AccountStatus.ACTIVE);
  }

  @Test
  void debitsRacingTheJobStopAtTheBlockAndNoneGetsThroughAfterIt() throws Exception {
    given(ZoneId.of("UTC"), Instant.parse("2026-11-15T12:00:00Z"));
    String account = account("5.00", SpendingLimitAction.BLOCK, "500.00");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger accepted = new AtomicInteger();
    List<CompletableFuture<Void>> debitors =
        java.util.stream.IntStream.range(0, 8)
            .mapToObj(
                i ->
                    CompletableFuture.runAsync(
                        () -> {
                          while (!stop.get()) {
                            try {
                              ledger.debitUsage(account, new BigDecimal("0.01"), null, null);
                              accepted.incrementAndGet();
                            } catch (WalletException e) {
                              if (e.type() == ErrorType.ACCOUNT_BLOCKED) {
                                return;
                              }
                              throw e;
                            }
                          }
                        }))
            .toList();
    while (spend(account).compareTo(new BigDecimal("5")) < 0) {
      Thread.sleep(5);
    }

    enforce();
    long acceptedAtBlock = accepted.get();
    for (CompletableFuture<Void> debitor : debitors) {
      debitor.get(); // each stops on its first refused debit
    }
    stop.set(true);

    assertThat(status(account)).isEqualTo(AccountStatus.BLOCKED);
    // The spend counter is exactly the usage in the ledger, and nothing was accepted after the
    // block.
    BigDecimal usage =
        db.jdbc()
            .sql(
                "SELECT -sum(amount) FROM wallet_transactions WHERE account_id = ? AND type = 'usage'")
            .param(account)
            .query(BigDecimal.class)
            .single();
    assertThat(spend(account)).isEqualByComparingTo(usage);
    assertThat(accepted.get()).isEqualTo(acceptedAtBlock);
    assertThatThrownBy(() -> ledger.debitUsage(account, new BigDecimal("0.01"), null, null))
        .isInstanceOf(WalletException.class);
  }

  // --- helpers

  private String account(String limit, SpendingLimitAction action, String balance) {
    String id =
        accounts.create("owner-" + System.nanoTime() + "@example.com", null, null).account().id();
    ledger.credit(id, new BigDecimal(balance), TransactionType.REFUND, "opening balance", null);
    accounts.updateSettings(
        id,
        new SettingsChange()
            .limitEnabled(true)
            .monthlyLimit(new BigDecimal(limit))
            .limitAction(action));
    return id;
  }

  private void enforce() {
    assertThat(jobs.run(BudgetJobsConfiguration.ENFORCEMENT_JOB).getStatus())
        .isEqualTo(BatchStatus.COMPLETED);
  }

  private void rollover() {
    assertThat(jobs.run(BudgetJobsConfiguration.ROLLOVER_JOB).getStatus())
        .isEqualTo(BatchStatus.COMPLETED);
  }

  private AccountStatus status(String account) {
    return accounts.get(account).account().status();
  }

  private BigDecimal spend(String account) {
    return db.jdbc()
        .sql("SELECT spend_month_to_date FROM wallets WHERE account_id = ?")
        .param(account)
        .query(BigDecimal.class)
        .single();
  }

  private List<String> mail(String account) {
    return db.jdbc()
        .sql("SELECT kind FROM mail_outbox WHERE account_id = ? ORDER BY id")
        .param(account)
        .query(String.class)
        .list();
  }

  private List<String> payloads(String account) {
    return db.jdbc()
        .sql("SELECT payload::text FROM mail_outbox WHERE account_id = ? ORDER BY id")
        .param(account)
        .query(String.class)
        .list();
  }
}
