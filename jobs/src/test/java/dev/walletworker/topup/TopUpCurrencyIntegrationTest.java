package dev.walletworker.topup;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.param.PaymentIntentCreateParams;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.mail.MailKind;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailRenderer;
import dev.walletworker.stripe.ChargeOutcome;
import dev.walletworker.stripe.StripeAmount;
import dev.walletworker.stripe.StripePayments;
import dev.walletworker.stripe.WebhookEvent;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.BatchJobs;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMailSettings;
import dev.walletworker.testing.TestTopUpSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.batch.core.BatchStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto top-up money in the wallet's currency only: charged in it, and a charge Stripe reports in
 * another currency or amount — by its answer, by a webhook or found by the metadata search — is
 * never credited at face value; it waits for a person and the account is not charged again.
 */
class TopUpCurrencyIntegrationTest {

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
    StripeClient client =
        StripeClient.builder()
            .setApiKey("sk_test_emulator")
            .setApiBase(stripe.apiBase())
            .setMaxNetworkRetries(0)
            .build();
    jobs =
        new BatchJobs(
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

  @AfterEach
  void stop() {
    jobs.close();
    stripe.close();
  }

  @Test
  void aEuroWalletIsChargedInEurosWithItsBonusAndTheReceiptSaysEuros() {
    String account = wallet("EUR", "100.00");

    run();

    assertThat(stripe.charges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.currency()).isEqualTo("eur");
              assertThat(c.amount()).isEqualTo(10_000);
            });
    assertThat(ledger.balance(account)).isEqualByComparingTo("114.00"); // 4 + 100 + 10%
    Map<String, Object> receipt = payload(account, MailKind.TOPUP_RECEIPT);
    assertThat(receipt).containsEntry("currency", "EUR");
    var rendered =
        new MailRenderer("https://dashboard.example.com")
            .render(MailKind.TOPUP_RECEIPT, account, "owner@example.com", "Ada", receipt);
    assertThat(rendered.subject()).contains("€100.00");
    assertThat(rendered.text()).contains("€10.00").doesNotContain("$");
  }

  @ParameterizedTest(name = "{0} {1} for a 25.00 USD attempt: {2}")
  @CsvSource({
    "2500, eur, currency_mismatch",
    "2500, jpy, currency_mismatch",
    "2500000, krw, currency_mismatch",
    "1000, usd, amount_mismatch",
  })
  void aChargeStripeReportsInAnotherCurrencyOrAmountWaitsForAPersonAndIsNotRepeated(
      long minor, String currency, String reason) {
    String account = wallet("USD", "25.00");
    TopUpAttempt attempt = claimOnly(account);

    // What the charge request's answer would say (the same path as TopUpCharger's record).
    boolean recorded =
        bean(TopUpOutcomes.class)
            .record(
                attempt, new ChargeOutcome.Succeeded("pi_other", StripeAmount.of(minor, currency)));

    assertThat(recorded).isTrue();
    assertThat(status(attempt)).isEqualTo("needs_review");
    assertThat(ledger.balance(account)).isEqualByComparingTo("4.00");
    assertThat(bean(PaymentReviews.class).list(false, 10))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason().code()).isEqualTo(reason);
              assertThat(r.accountId()).isEqualTo(account);
              assertThat(r.attemptId()).isEqualTo(attempt.id());
              assertThat(r.paid()).isEqualTo(StripeAmount.of(minor, currency));
              assertThat(r.expectedAmount()).isEqualByComparingTo("25.00");
            });
    assertThat(mailKinds(account)).isEmpty();

    // The money may be the owner's: no new charge while a person looks at it.
    clock.advance(Duration.ofHours(2));
    run();
    assertThat(stripe.charges()).isEmpty();
    assertThat(attemptStatuses(account)).containsExactly("needs_review");

    // A later webhook saying the same PaymentIntent succeeded does not overrule the review.
    var result =
        bean(StripeEventHandler.class)
            .handle(
                new WebhookEvent(
                    "evt_later",
                    "payment_intent.succeeded",
                    "pi_other",
                    Map.of("attempt_id", attempt.id()),
                    new ChargeOutcome.Succeeded("pi_other", StripeAmount.of(2500, "usd")),
                    null));
    assertThat(result).isEqualTo(StripeEventHandler.Result.IGNORED);
    assertThat(ledger.balance(account)).isEqualByComparingTo("4.00");

    // Resolved by a person: the attempt is closed and auto top-up goes on.
    long review = bean(PaymentReviews.class).list(false, 10).get(0).id();
    bean(PaymentReviews.class).resolve(review, "refunded at Stripe by support");
    assertThat(attemptStatuses(account)).containsExactly("failed");
    run();
    assertThat(attemptStatuses(account)).containsExactly("failed", "succeeded");
  }

  @Test
  void aWebhookReportingAnotherCurrencyIsNotCredited() {
    String account = wallet("USD", "25.00");
    TopUpAttempt attempt = claimOnly(account);

    var result =
        bean(StripeEventHandler.class)
            .handle(
                new WebhookEvent(
                    "evt_jpy",
                    "payment_intent.succeeded",
                    "pi_jpy",
                    Map.of("attempt_id", attempt.id(), "account_id", account),
                    new ChargeOutcome.Succeeded("pi_jpy", StripeAmount.of(2500, "jpy")),
                    null));

    assertThat(result).isEqualTo(StripeEventHandler.Result.NEEDS_REVIEW);
    assertThat(status(attempt)).isEqualTo("needs_review");
    assertThat(ledger.balance(account)).isEqualByComparingTo("4.00");
  }

  @Test
  void aChargeFoundByTheMetadataSearchInAnotherCurrencyIsNotCredited() throws Exception {
    String account = wallet("USD", "25.00");
    stripe.faults().failNext(1, 500); // the charge request is refused: the outcome is unknown
    run();
    TopUpAttempt attempt = bean(TopUpAttempts.class).recent(account, null, 1).get(0);
    assertThat(attempt.status().code()).isEqualTo("pending");
    // Stripe has a charge for this attempt, but in yen (as another integration could create).
    StripeClient.builder()
        .setApiKey("sk_test_emulator")
        .setApiBase(stripe.apiBase())
        .build()
        .v1()
        .paymentIntents()
        .create(
            PaymentIntentCreateParams.builder()
                .setAmount(2500L)
                .setCurrency("jpy")
                .setPaymentMethod("pm_card_visa")
                .setConfirm(true)
                .putMetadata("attempt_id", attempt.id())
                .putMetadata("account_id", account)
                .build());

    clock.advance(Duration.ofMinutes(11)); // past AUTO_TOPUP_SEARCH_AFTER: looked up by metadata
    run();

    assertThat(status(attempt)).isEqualTo("needs_review");
    assertThat(ledger.balance(account)).isEqualByComparingTo("4.00");
    assertThat(bean(PaymentReviews.class).list(false, 10))
        .singleElement()
        .satisfies(r -> assertThat(r.paid()).isEqualTo(StripeAmount.of(2500, "jpy")));
  }

  // --- helpers

  private void run() {
    var execution = jobs.run(AutoTopUpJobConfiguration.JOB_NAME);
    assertThat(execution.getStatus())
        .as(execution.getAllFailureExceptions().toString())
        .isEqualTo(BatchStatus.COMPLETED);
  }

  private <T> T bean(Class<T> type) {
    return jobs.bean(type);
  }

  /** Commits the account's pending attempt without charging it. */
  private TopUpAttempt claimOnly(String account) {
    String id = bean(TopUpAttempts.class).claim(account, 5).orElseThrow();
    return bean(TopUpAttempts.class).find(id).orElseThrow();
  }

  /** A wallet in {@code currency} at 4.00, below its 5.00 threshold, with a card on file. */
  private String wallet(String currency, String amount) {
    String account = accounts.create("owner@example.com", "Ada", currency).account().id();
    ledger.credit(account, new BigDecimal("4.00"), TransactionType.REFUND, "opening", null);
    accounts.updateSettings(
        account,
        new SettingsChange()
            .autoTopUpEnabled(true)
            .autoTopUpThreshold(new BigDecimal("5.00"))
            .autoTopUpAmount(new BigDecimal(amount))
            .stripeCustomerId(stripe.createCustomer("owner@example.com"))
            .paymentMethodId("pm_card_visa"));
    return account;
  }

  private String status(TopUpAttempt attempt) {
    return bean(TopUpAttempts.class).find(attempt.id()).orElseThrow().status().code();
  }

  private List<String> attemptStatuses(String account) {
    return db.jdbc()
        .sql("SELECT status FROM topup_attempts WHERE account_id = ? ORDER BY created_at, id")
        .param(account)
        .query(String.class)
        .list();
  }

  private List<String> mailKinds(String account) {
    return db.jdbc()
        .sql("SELECT kind FROM mail_outbox WHERE account_id = ? ORDER BY id")
        .param(account)
        .query(String.class)
        .list();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> payload(String account, MailKind kind) {
    String json =
        db.jdbc()
            .sql("SELECT payload::text FROM mail_outbox WHERE account_id = ? AND kind = ?")
            .params(account, kind.code())
            .query(String.class)
            .single();
    return JsonMapper.builder().build().readValue(json, Map.class);
  }
}
