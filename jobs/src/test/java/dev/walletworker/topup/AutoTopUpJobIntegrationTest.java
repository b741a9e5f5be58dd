package dev.walletworker.topup;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.stripe.StripePayments;
import dev.walletworker.stripe.emulator.Charge;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.Await;
import dev.walletworker.testing.BatchJobs;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMailSettings;
import dev.walletworker.testing.TestTopUpSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.batch.core.BatchStatus;

/** The auto-topup job against the Stripe emulator (stripe-java over HTTP) and real PostgreSQL. */
class AutoTopUpJobIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final TopUpSettings settings = TestTopUpSettings.standard();
  private StripeEmulator stripe;
  private BatchJobs jobs;

  @BeforeEach
  void start() {
    stripe = StripeEmulator.start(0);
    jobs = jobs(1000);
  }

  @AfterEach
  void stop() {
    jobs.close();
    stripe.close();
  }

  @ParameterizedTest(name = "top-up {0} earns {1}")
  @CsvSource({"25.00, 0.00", "50.00, 2.50", "100.00, 10.00", "250.00, 37.50"})
  void aWalletBelowItsThresholdIsChargedOnceAndCreditedWithItsBonus(String amount, String bonus) {
    String account = wallet("pm_card_visa", "4.00", "5.00", amount);

    run();
    run(); // a second run finds nothing to do

    assertThat(stripe.charges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.amount())
                  .isEqualTo(new BigDecimal(amount).movePointRight(2).longValueExact());
              assertThat(c.metadata())
                  .containsEntry("account_id", account)
                  .containsKey("attempt_id");
            });
    assertThat(ledger.balance(account))
        .isEqualByComparingTo(
            new BigDecimal("4.00").add(new BigDecimal(amount)).add(new BigDecimal(bonus)));
    assertThat(attemptStatuses(account)).containsExactly("succeeded");
    assertThat(mail(account)).containsExactly("topup_receipt");
    assertReconciled();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "pm_card_chargeDeclinedInsufficientFunds, insufficient_funds",
    "pm_card_chargeDeclinedExpiredCard, expired_card",
    "pm_card_chargeDeclined, generic_decline",
  })
  void aDeclineFailsTheAttemptTellsTheOwnerOnceAndCoolsDown(String pm, String code) {
    String account = wallet(pm, "4.00", "5.00", "25.00");

    run();
    run(); // cooling down: no second try
    clock.advance(Duration.ofMinutes(59));
    run();

    assertThat(attemptStatuses(account)).containsExactly("failed");
    assertThat(
            db.jdbc().sql("SELECT failure_code FROM topup_attempts").query(String.class).single())
        .isEqualTo(code);
    assertThat(mail(account)).containsExactly("topup_failed");
    assertThat(stripe.charges()).isEmpty();
    assertThat(ledger.balance(account)).isEqualByComparingTo("4.00");

    clock.advance(Duration.ofMinutes(2)); // past the hour
    run();
    assertThat(attemptStatuses(account)).containsExactly("failed", "failed");
    assertReconciled();
  }

  @Test
  void threeDeclinesInARowSwitchAutoTopUpOffAndSayHowToTurnItBackOn() {
    String account = wallet("pm_card_chargeDeclined", "4.00", "5.00", "25.00");

    for (int i = 0; i < 5; i++) {
      run();
      clock.advance(Duration.ofMinutes(61));
    }

    assertThat(attemptStatuses(account)).containsExactly("failed", "failed", "failed");
    assertThat(mail(account)).containsExactly("topup_failed", "topup_failed", "topup_disabled");
    var wallet = accounts.get(account).wallet();
    assertThat(wallet.autoTopUp().enabled()).isFalse();
    assertThat(wallet.autoTopUpState().disabledReason()).contains("3 declined charges in a row");

    // The owner fixes the card and turns it back on: a fresh start, charged at once.
    accounts.updateSettings(
        account, new SettingsChange().paymentMethodId("pm_card_visa").autoTopUpEnabled(true));
    assertThat(accounts.get(account).wallet().autoTopUpState().failures()).isZero();
    run();
    assertThat(attemptStatuses(account)).containsExactly("failed", "failed", "failed", "succeeded");
    assertReconciled();
  }

  @Test
  void authenticationRequiredWaitsForTheOwnerThenCreditsOnce() {
    String account = wallet("pm_card_authenticationRequired", "4.00", "5.00", "50.00");

    run();
    run();

    assertThat(attemptStatuses(account)).containsExactly("requires_action");
    assertThat(mail(account)).containsExactly("action_required");
    String payload =
        db.jdbc()
            .sql("SELECT payload::text FROM mail_outbox WHERE kind = 'action_required'")
            .query(String.class)
            .single();
    String pi =
        db.jdbc().sql("SELECT payment_intent_id FROM topup_attempts").query(String.class).single();
    assertThat(payload)
        .contains("https://dashboard.example.com/billing/confirm-payment?payment_intent=" + pi);
    assertThat(stripe.charges()).isEmpty();

    stripe.authenticate(pi); // the owner confirms on-session
    clock.advance(Duration.ofMinutes(11));
    run();
    run();

    assertThat(attemptStatuses(account)).containsExactly("succeeded");
    assertThat(ledger.balance(account)).isEqualByComparingTo("56.50"); // 4 + 50 + 2.50
    assertThat(mail(account)).containsExactly("action_required", "topup_receipt");
    assertReconciled();
  }

  @Test
  void theDailyCapStopsARunawayLoopAndTellsTheOwnerOnce() {
    // A threshold above what one top-up reaches: each run would charge again.
    String account = wallet("pm_card_visa", "4.00", "1000.00", "25.00");

    for (int i = 0; i < 8; i++) {
      run();
      clock.advance(Duration.ofMinutes(5));
    }

    assertThat(stripe.charges()).hasSize(5);
    assertThat(accounts.get(account).wallet().autoTopUpState().lastDay()).isEqualTo(5);
    assertThat(mail(account))
        .containsExactly(
            "topup_receipt",
            "topup_receipt",
            "topup_receipt",
            "topup_receipt",
            "topup_receipt",
            "daily_cap_reached");
    clock.advance(Duration.ofHours(24));
    run();
    assertThat(stripe.charges()).hasSize(6);
    assertReconciled();
  }

  @Test
  void theWorkerLosingTheAnswerAfterTheChargeStillChargesOnceAndCreditsOnce() {
    String account = wallet("pm_card_visa", "4.00", "5.00", "100.00");
    stripe.faults().dropAfterChargeNext(1);

    run();

    assertThat(stripe.charges()).hasSize(1);
    assertThat(attemptStatuses(account)).containsExactly("pending");
    assertThat(ledger.balance(account)).isEqualByComparingTo("4.00");

    run(); // not due yet: nothing
    clock.advance(Duration.ofSeconds(11));
    run(); // the same idempotency key: Stripe answers with the first outcome

    assertThat(stripe.charges()).hasSize(1);
    assertThat(attemptStatuses(account)).containsExactly("succeeded");
    assertThat(ledger.balance(account)).isEqualByComparingTo("114.00");
    assertReconciled();
  }

  @ParameterizedTest(name = "HTTP {0}")
  @CsvSource({"500", "503", "429"})
  void serverErrorsAndRateLimitsAreRetriedWithTheSameKey(int status) {
    String account = wallet("pm_card_visa", "4.00", "5.00", "25.00");
    stripe.faults().failNext(2, status);

    run();
    clock.advance(Duration.ofSeconds(11));
    run();
    assertThat(attemptStatuses(account)).containsExactly("pending");
    clock.advance(Duration.ofSeconds(21));
    run();

    assertThat(attemptStatuses(account)).containsExactly("succeeded");
    assertThat(stripe.charges()).hasSize(1);
    assertReconciled();
  }

  @Test
  void aTimeoutIsResolvedByAskingAgainNeverByANewKey() {
    jobs.close();
    jobs = jobs(300); // the client gives up after 300 ms
    String account = wallet("pm_card_visa", "4.00", "5.00", "25.00");
    stripe.faults().latency(Duration.ofMillis(800));

    run(); // times out; Stripe charges anyway once the request is handled

    stripe.faults().latency(Duration.ZERO);
    await(() -> stripe.charges().size() == 1);
    clock.advance(Duration.ofMinutes(11)); // old enough to be looked up by metadata too
    run();

    assertThat(stripe.charges()).hasSize(1);
    assertThat(attemptStatuses(account)).containsExactly("succeeded");
    assertReconciled();
  }

  @Test
  void aBlockedAccountIsNotCharged() {
    String account = wallet("pm_card_visa", "4.00", "5.00", "25.00");
    db.jdbc()
        .sql(
            "UPDATE accounts SET status = 'blocked', blocked_reason = 'spending_limit', blocked_since = now() WHERE id = ?")
        .param(account)
        .update();

    run();

    assertThat(stripe.charges()).isEmpty();
    assertThat(attemptStatuses(account)).isEmpty();
  }

  @Test
  void twoRunsRacingOverTheSameWalletsChargeEachCrossingOnce() throws Exception {
    for (int i = 0; i < 40; i++) {
      wallet("pm_card_visa", "4.00", "5.00", "25.00");
    }
    try (BatchJobs other = jobs(1000)) {
      var a = CompletableFuture.supplyAsync(this::run);
      var b = CompletableFuture.supplyAsync(() -> other.run(AutoTopUpJobConfiguration.JOB_NAME));
      assertThat(a.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(b.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }
    run();

    assertThat(stripe.charges()).hasSize(40);
    assertThat(stripe.charges().stream().map(c -> c.metadata().get("account_id")).distinct())
        .hasSize(40);
    assertReconciled();
  }

  @Test
  void batchesFollowEachOtherWithoutAGapAndChargeEachCrossingOnce() throws Exception {
    for (int i = 0; i < 130; i++) {
      wallet("pm_card_visa", "4.00", "5.00", "25.00");
    }
    stripe.faults().latency(Duration.ofMillis(20));
    try (BatchJobs other = jobs(1000)) {
      var a = CompletableFuture.supplyAsync(this::run);
      var b = CompletableFuture.supplyAsync(() -> other.run(AutoTopUpJobConfiguration.JOB_NAME));
      assertThat(a.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(b.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    // Three batches of 50 between two racing runs: every wallet charged, none twice.
    assertThat(stripe.charges()).hasSize(130);
    assertThat(stripe.charges().stream().map(c -> c.metadata().get("account_id")).distinct())
        .hasSize(130);
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM topup_attempts WHERE status = 'succeeded'")
                .query(Long.class)
                .single())
        .isEqualTo(130);
    assertReconciled();
  }

  // --- helpers

  private BatchJobs jobs(int readTimeoutMillis) {
    StripeClient client =
        StripeClient.builder()
            .setApiKey("sk_test_emulator")
            .setApiBase(stripe.apiBase())
            .setMaxNetworkRetries(0)
            .setConnectTimeout(1000)
            .setReadTimeout(readTimeoutMillis)
            .build();
    return new BatchJobs(
        db,
        clock,
        List.of(
            settings,
            new StripePayments(client, true, Duration.ofSeconds(1)),
            TestMailSettings.local(0),
            ledger,
            new MailOutbox(db.database(), clock)),
        AutoTopUpJobConfiguration.class);
  }

  private org.springframework.batch.core.job.JobExecution run() {
    var execution = jobs.run(AutoTopUpJobConfiguration.JOB_NAME);
    assertThat(execution.getStatus())
        .as(execution.getAllFailureExceptions().toString())
        .isEqualTo(BatchStatus.COMPLETED);
    return execution;
  }

  /** An account whose wallet holds {@code balance}, with auto top-up on and a card on file. */
  private String wallet(String pm, String balance, String threshold, String amount) {
    String account =
        accounts.create("owner-" + System.nanoTime() + "@example.com", null, null).account().id();
    if (new BigDecimal(balance).signum() > 0) {
      ledger.credit(
          account, new BigDecimal(balance), TransactionType.REFUND, "opening balance", null);
    }
    accounts.updateSettings(
        account,
        new SettingsChange()
            .autoTopUpEnabled(true)
            .autoTopUpThreshold(new BigDecimal(threshold))
            .autoTopUpAmount(new BigDecimal(amount))
            .stripeCustomerId(stripe.createCustomer(account + "@example.com"))
            .paymentMethodId(pm));
    return account;
  }

  private List<String> attemptStatuses(String account) {
    return db.jdbc()
        .sql("SELECT status FROM topup_attempts WHERE account_id = ? ORDER BY created_at, id")
        .param(account)
        .query(String.class)
        .list();
  }

  private List<String> mail(String account) {
    return db.jdbc()
        .sql("SELECT kind FROM mail_outbox WHERE account_id = ? ORDER BY id")
        .param(account)
        .query(String.class)
        .list();
  }

  /** Every charge at Stripe is exactly one top-up credit in the ledger, and the other way round. */
  private void assertReconciled() {
    long charged = stripe.charges().stream().mapToLong(Charge::amount).sum();
    BigDecimal credited =
        db.jdbc()
            .sql("SELECT coalesce(sum(amount), 0) FROM wallet_transactions WHERE type = 'topup'")
            .query(BigDecimal.class)
            .single();
    assertThat(credited.movePointRight(2).longValueExact()).isEqualTo(charged);
    List<String> references =
        db.jdbc()
            .sql(
                "SELECT reference FROM wallet_transactions WHERE type = 'topup' ORDER BY reference")
            .query(String.class)
            .list();
    assertThat(references)
        .containsExactlyInAnyOrderElementsOf(
            stripe.charges().stream().map(Charge::paymentIntent).toList());
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM topup_attempts WHERE status = 'pending'")
                .query(Long.class)
                .single())
        .isZero();
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    Await.until(condition, Duration.ofSeconds(10), "the emulator to finish the charge");
  }
}
