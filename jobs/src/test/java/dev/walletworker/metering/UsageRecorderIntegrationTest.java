package dev.walletworker.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.account.Accounts;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.UsageResult.Status;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pricing and posting a group of usage events against real PostgreSQL. */
class UsageRecorderIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final ModelPrices prices = new ModelPrices(db.database(), clock);
  private final UsageRecorder recorder = new UsageRecorder(db.database(), prices, ledger, clock);
  private String account;

  @BeforeEach
  void givenAWalletAndAPrice() {
    account = wallet("10.00");
    prices.set(
        "assisters-chat-v1",
        new BigDecimal("0.50"),
        new BigDecimal("1.50"),
        null,
        Instant.parse("2026-11-01T00:00:00Z"));
  }

  @Test
  void anEventIsPricedExactlyAndPostedWithItsModelTokensAndPriceVersion() {
    List<UsageResult> results = recorder.record(List.of(priced("req_1", account, 1200, 350, 0)));

    UsageResult r = results.get(0);
    assertThat(r.status()).isEqualTo(Status.POSTED);
    assertThat(r.amount()).isEqualByComparingTo("0.001125");
    assertThat(r.balanceAfter()).isEqualByComparingTo("9.998875");
    Map<String, Object> row =
        db.jdbc()
            .sql("SELECT * FROM wallet_transactions WHERE id = ?")
            .param(r.transactionId())
            .query()
            .singleRow();
    assertThat(row)
        .containsEntry("type", "usage")
        .containsEntry("description", "API usage - assisters-chat-v1")
        .containsEntry("reference", "req_1")
        .containsEntry("model", "assisters-chat-v1")
        .containsEntry("input_tokens", 1200L)
        .containsEntry("output_tokens", 350L);
    assertThat((String) row.get("price_id")).startsWith("price_");
    assertThat(row.get("event_at")).isNotNull();
  }

  @Test
  void theVersionInForceAtTheEventsTimestampPricesIt() {
    prices.set(
        "assisters-chat-v1",
        new BigDecimal("1.00"),
        new BigDecimal("3.00"),
        new BigDecimal("0.10"),
        Instant.parse("2026-11-20T00:00:00Z"));

    List<UsageResult> results =
        recorder.record(
            List.of(
                priced("old", account, 1_000_000, 0, 0, Instant.parse("2026-11-19T23:59:59Z")),
                priced("new", account, 1_000_000, 0, 0, Instant.parse("2026-11-20T00:00:00Z")),
                priced("cached", account, 0, 0, 1_000_000, Instant.parse("2026-11-20T01:00:00Z")),
                priced("early", account, 1, 0, 0, Instant.parse("2026-10-31T23:00:00Z"))));

    assertThat(results.get(0).amount()).isEqualByComparingTo("0.50");
    assertThat(results.get(1).amount()).isEqualByComparingTo("1.00");
    assertThat(results.get(2).amount()).isEqualByComparingTo("0.10");
    assertThat(results.get(3).status()).isEqualTo(Status.INVALID);
    assertThat(results.get(3).error().param()).isEqualTo("timestamp");
    assertThat(results.get(3).error().message()).contains("no price in force");
  }

  @Test
  void costsAreRoundedHalfUpOnceToSixDecimals() {
    // 1 input token at 0.50 per million is 0.0000005: half a micro-dollar rounds up, once.
    assertThat(recorder.record(List.of(priced("r", account, 1, 0, 0))).get(0).amount())
        .isEqualByComparingTo("0.000001");
    // Three such tokens are 0.0000015 exactly, rounded once to 0.000002 (not 3 × 0.000001).
    assertThat(recorder.record(List.of(priced("s", account, 3, 0, 0))).get(0).amount())
        .isEqualByComparingTo("0.000002");
  }

  @Test
  void eachEventIsDecidedOnItsOwnAndOneRefusalNeverFailsTheOthers() {
    String blocked = wallet("10.00");
    accounts.block(blocked, "fraud review");
    String poor = wallet("0.001");

    List<UsageResult> results =
        recorder.record(
            List.of(
                amount("a", account, "1.00"),
                amount("b", "acct_doesnotexist00", "1.00"),
                amount("c", blocked, "1.00"),
                amount("d", poor, "0.01"),
                withModel(priced("e", account, 10, 10, 0), "no-such-model"),
                amount("f", account, "2.00"),
                amount("g", account, "7.00"),
                amount("h", account, "0.50")));

    assertThat(results)
        .extracting(UsageResult::status)
        .containsExactly(
            Status.POSTED,
            Status.ACCOUNT_NOT_FOUND,
            Status.ACCOUNT_BLOCKED,
            Status.INSUFFICIENT_FUNDS,
            Status.INVALID,
            Status.POSTED,
            Status.POSTED,
            Status.INSUFFICIENT_FUNDS);
    assertThat(results.get(1).error().param()).isEqualTo("account_id");
    assertThat(results.get(4).error().param()).isEqualTo("model");
    assertThat(results.get(6).balanceAfter()).isEqualByComparingTo("0.00");
    assertThat(ledger.balance(account)).isZero();
    assertThat(ledger.balance(poor)).isEqualByComparingTo("0.001");
  }

  @Test
  void anIdIsPostedOnceForeverAndARetryReturnsTheFirstResultUnchanged() {
    UsageResult first = recorder.record(List.of(amount("req_x", account, "1.25"))).get(0);
    clock.advance(Duration.ofHours(5));

    List<UsageResult> again =
        recorder.record(
            List.of(amount("req_x", account, "1.25"), amount("req_x", account, "9.00")));

    assertThat(again)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(Status.DUPLICATE);
              assertThat(r.transactionId()).isEqualTo(first.transactionId());
              assertThat(r.amount()).isEqualByComparingTo("1.25");
              assertThat(r.balanceAfter()).isEqualByComparingTo(first.balanceAfter());
            });
    assertThat(ledger.balance(account)).isEqualByComparingTo("8.75");
    // The same id for another account is another event.
    String other = wallet("5.00");
    assertThat(recorder.record(List.of(amount("req_x", other, "1.00"))).get(0).status())
        .isEqualTo(Status.POSTED);
  }

  @Test
  void aRefusedIdIsNotConsumedAndPostsWhenRetriedWithFunds() {
    assertThat(recorder.record(List.of(amount("req_y", account, "20.00"))).get(0).status())
        .isEqualTo(Status.INSUFFICIENT_FUNDS);
    ledger.credit(account, new BigDecimal("15.00"), TransactionType.REFUND, null, null);

    assertThat(recorder.record(List.of(amount("req_y", account, "20.00"))).get(0).status())
        .isEqualTo(Status.POSTED);
  }

  @Test
  void timestampsTooFarAheadOrBackAreRefused() {
    List<UsageResult> results =
        recorder.record(
            List.of(
                amount("ahead", account, "1.00", clock.instant().plus(Duration.ofMinutes(6))),
                amount("soon", account, "1.00", clock.instant().plus(Duration.ofMinutes(4))),
                amount("old", account, "1.00", clock.instant().minus(Duration.ofDays(36))),
                amount("late", account, "1.00", clock.instant().minus(Duration.ofDays(34)))));

    assertThat(results)
        .extracting(UsageResult::status)
        .containsExactly(Status.INVALID, Status.POSTED, Status.INVALID, Status.POSTED);
    assertThat(results.get(0).error().param()).isEqualTo("timestamp");
  }

  @Test
  void aHotWalletTakesAGroupInOneUpdateAndItsChainIsUnbroken() {
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      events.add(amount("hot-" + i, account, "0.02"));
    }

    List<UsageResult> results = recorder.record(events);

    assertThat(results).extracting(UsageResult::status).containsOnly(Status.POSTED);
    assertThat(ledger.balance(account)).isZero();
    List<BigDecimal> chain =
        db.jdbc()
            .sql("SELECT balance_after FROM wallet_transactions WHERE account_id = ? ORDER BY seq")
            .param(account)
            .query(BigDecimal.class)
            .list();
    for (int i = 1; i < chain.size(); i++) {
      assertThat(chain.get(i - 1).subtract(chain.get(i))).isEqualByComparingTo("0.02");
    }
    assertThat(spend(account)).isEqualByComparingTo("10.00");
  }

  @Test
  void priceVersionsAreNeverEditedOrDeleted() {
    assertThatThrownBy(() -> db.jdbc().sql("UPDATE model_prices SET input_per_mtok = 0").update())
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> db.jdbc().sql("DELETE FROM model_prices").update())
        .hasMessageContaining("append-only");
  }

  // --- helpers

  private String wallet(String balance) {
    String id = accounts.create("owner@example.com", null, null).account().id();
    ledger.credit(id, new BigDecimal(balance), TransactionType.REFUND, "opening", null);
    return id;
  }

  private BigDecimal spend(String id) {
    return db.jdbc()
        .sql("SELECT spend_month_to_date FROM wallets WHERE account_id = ?")
        .param(id)
        .query(BigDecimal.class)
        .single();
  }

  private UsageEvent priced(String id, String account, long in, long out, long cached) {
    return priced(id, account, in, out, cached, clock.instant());
  }

  private UsageEvent priced(String id, String account, long in, long out, long cached, Instant at) {
    return new UsageEvent(id, account, null, "assisters-chat-v1", in, out, cached, null, at);
  }

  private UsageEvent amount(String id, String account, String amount) {
    return amount(id, account, amount, clock.instant());
  }

  private UsageEvent amount(String id, String account, String amount, Instant at) {
    return new UsageEvent(id, account, new BigDecimal(amount), null, 0, 0, 0, null, at);
  }

  private static UsageEvent withModel(UsageEvent event, String model) {
    return new UsageEvent(
        event.id(),
        event.accountId(),
        null,
        model,
        event.inputTokens(),
        event.outputTokens(),
        event.cachedInputTokens(),
        null,
        event.timestamp());
  }
}
