package dev.walletworker.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.testing.BatchJobs;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

class LowBalanceAlertsJobIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-10T08:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private BatchJobs jobs;
  private String account;

  @BeforeEach
  void givenAWalletWithAnAlertAtTen() {
    jobs =
        new BatchJobs(
            db,
            clock,
            List.of(new MailOutbox(db.database(), clock)),
            LowBalanceAlertsJobConfiguration.class);
    account = accounts.create("owner@example.com", "Ada", null).account().id();
    ledger.credit(account, new BigDecimal("20.00"), TransactionType.TOPUP, null, null);
    accounts.updateSettings(
        account, new SettingsChange().alertEnabled(true).alertThreshold(BigDecimal.TEN));
  }

  @AfterEach
  void closeJobs() {
    jobs.close();
  }

  @Test
  void noAlertWhileAboveTheThreshold() {
    ledger.debitUsage(account, new BigDecimal("10.00"), null, null); // exactly 10: not below

    assertThat(run().getStatus()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(outbox()).isEmpty();
  }

  @Test
  void oneEmailPerCrossingHoweverManyRuns() {
    ledger.debitUsage(account, new BigDecimal("10.01"), null, null);

    run();
    clock.advance(Duration.ofMinutes(1));
    run();
    ledger.debitUsage(account, new BigDecimal("5"), null, null); // further below: same crossing
    run();

    List<Map<String, Object>> mails = outbox();
    assertThat(mails).hasSize(1);
    Map<String, Object> mail = mails.get(0);
    assertThat(mail.get("kind")).isEqualTo("low_balance");
    assertThat(mail.get("recipient")).isEqualTo("owner@example.com");
    assertThat(mail.get("status")).isEqualTo("pending");
    assertThat((String) mail.get("payload"))
        .contains(
            "\"balance\": 9.990000",
            "\"available\": 9.990000",
            "\"held\": 0.000000",
            "\"holds\": false",
            "\"threshold\": 10.000000",
            "\"currency\": \"USD\"",
            "\"auto_topup\": false");
  }

  @Test
  void reArmedWhenBackAtOrAboveTheThreshold() {
    ledger.debitUsage(account, new BigDecimal("15"), null, null); // 5 < 10
    run();
    ledger.credit(
        account, new BigDecimal("10.00"), TransactionType.TOPUP, null, null); // 15: re-armed
    clock.advance(Duration.ofHours(1));
    ledger.debitUsage(account, new BigDecimal("6"), null, null); // 9 < 10: a new crossing
    run();

    assertThat(outbox()).hasSize(2);
  }

  @Test
  void dippingBelowAndBackBetweenRunsStillCountsEachCrossing() {
    ledger.debitUsage(account, new BigDecimal("15"), null, null);
    run();
    // Back above and below again before the next run: the trigger re-armed it in between.
    ledger.credit(account, new BigDecimal("10.00"), TransactionType.TOPUP, null, null);
    ledger.debitUsage(account, new BigDecimal("6"), null, null);
    clock.advance(Duration.ofSeconds(1));
    run();

    assertThat(outbox()).hasSize(2);
  }

  @Test
  void concurrentRunsOverManyWalletsQueueExactlyOneEmailEach() throws Exception {
    List<String> crossed = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String id = accounts.create("w" + i + "@example.com", null, null).account().id();
      ledger.credit(id, new BigDecimal("10.00"), TransactionType.TOPUP, null, null);
      accounts.updateSettings(
          id, new SettingsChange().alertEnabled(true).alertThreshold(new BigDecimal("5")));
      ledger.debitUsage(id, new BigDecimal("6"), null, null);
      crossed.add(id);
    }

    // Two runs at once, as two daemons would if the cluster's exclusivity failed: claims still
    // hold.
    try (BatchJobs other =
        new BatchJobs(
            db,
            clock,
            List.of(new MailOutbox(db.database(), clock)),
            LowBalanceAlertsJobConfiguration.class)) {
      CompletableFuture<JobExecution> a = CompletableFuture.supplyAsync(this::run);
      CompletableFuture<JobExecution> b =
          CompletableFuture.supplyAsync(() -> other.run(LowBalanceAlertsJobConfiguration.JOB_NAME));
      JobExecution first = a.get();
      JobExecution second = b.get();

      assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
      long written =
          first.getStepExecutions().iterator().next().getWriteCount()
              + second.getStepExecutions().iterator().next().getWriteCount();
      assertThat(written).isEqualTo(crossed.size());
    }
    assertThat(
            db.jdbc()
                .sql(
                    "SELECT count(DISTINCT account_id) FROM mail_outbox WHERE kind = 'low_balance'")
                .query(Long.class)
                .single())
        .isEqualTo(crossed.size());
    assertThat(db.jdbc().sql("SELECT count(*) FROM mail_outbox").query(Long.class).single())
        .isEqualTo(crossed.size());
  }

  private JobExecution run() {
    return jobs.run(LowBalanceAlertsJobConfiguration.JOB_NAME);
  }

  private List<Map<String, Object>> outbox() {
    return db.jdbc()
        .sql(
            "SELECT kind, recipient, status, payload::text AS payload FROM mail_outbox WHERE account_id = ? ORDER BY id")
        .param(account)
        .query()
        .listOfRows();
  }
}
