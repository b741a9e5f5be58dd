package dev.walletworker.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.UsageResult.Status;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group commit under load: two committers (as two API nodes on one database), many client threads,
 * and every event id sent twice — to both nodes at once. Each id is posted exactly once, every
 * answer a client saw as posted is in the ledger, and every wallet's chain is unbroken.
 */
class UsageGroupCommitIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Clock clock = Clock.systemUTC();
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final UsageRecorder recorder =
      new UsageRecorder(db.database(), new ModelPrices(db.database(), clock), ledger, clock);
  private final UsageGroupCommit nodeA =
      new UsageGroupCommit(recorder, 2, 500, Duration.ofMillis(1));
  private final UsageGroupCommit nodeB =
      new UsageGroupCommit(recorder, 2, 500, Duration.ofMillis(1));

  @AfterEach
  void stop() {
    nodeA.close();
    nodeB.close();
  }

  @Test
  void idsRacingOnTwoNodesArePostedOnceAndEveryPostedAnswerIsInTheLedger() throws Exception {
    List<String> wallets = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      wallets.add(wallet("100.00"));
    }
    String hot = wallets.get(0);
    int clients = 32;
    int batches = 40;
    Map<String, String> postedBy = new ConcurrentHashMap<>(); // id -> transaction seen posted
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<CompletableFuture<Void>> work = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      work.add(
          CompletableFuture.runAsync(
              () -> {
                for (int b = 0; b < batches; b++) {
                  List<UsageEvent> events = new ArrayList<>();
                  int size = 1 + ThreadLocalRandom.current().nextInt(10);
                  for (int e = 0; e < size; e++) {
                    // Half the events go to one hot wallet.
                    String account =
                        e % 2 == 0 ? hot : wallets.get(1 + ThreadLocalRandom.current().nextInt(19));
                    events.add(
                        new UsageEvent(
                            "evt-" + client + "-" + b + "-" + e,
                            account,
                            new BigDecimal("0.01"),
                            null,
                            0,
                            0,
                            0,
                            null,
                            clock.instant()));
                  }
                  // The same batch to both nodes at once, as a client retrying on a timeout might.
                  var a = nodeA.submit(events);
                  var bb = nodeB.submit(events);
                  for (var answers : List.of(a.join(), bb.join())) {
                    for (UsageResult r : answers) {
                      if (r.status() == Status.POSTED) {
                        String before = postedBy.putIfAbsent(r.id(), r.transactionId());
                        assertThat(before).as("posted twice: " + r.id()).isNull();
                      }
                    }
                  }
                  for (int i = 0; i < events.size(); i++) {
                    // Whichever node posted it, the other answered duplicate with the same row.
                    assertThat(List.of(a.join().get(i).status(), bb.join().get(i).status()))
                        .containsExactlyInAnyOrder(Status.POSTED, Status.DUPLICATE);
                    assertThat(a.join().get(i).transactionId())
                        .isEqualTo(bb.join().get(i).transactionId());
                  }
                }
              },
              pool));
    }
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    pool.shutdown();

    long rows =
        db.jdbc()
            .sql("SELECT count(*) FROM wallet_transactions WHERE type = 'usage'")
            .query(Long.class)
            .single();
    assertThat(rows).isEqualTo(postedBy.size());
    for (String id : postedBy.keySet()) {
      assertThat(postedBy.get(id)).startsWith("txn_");
    }
    for (String wallet : wallets) {
      assertChainUnbroken(wallet);
    }
  }

  private void assertChainUnbroken(String account) {
    List<Map<String, Object>> rows =
        db.jdbc()
            .sql(
                "SELECT amount, balance_after FROM wallet_transactions WHERE account_id = ?"
                    + " ORDER BY seq")
            .param(account)
            .query()
            .listOfRows();
    BigDecimal balance = BigDecimal.ZERO;
    for (Map<String, Object> row : rows) {
      balance = balance.add((BigDecimal) row.get("amount"));
      assertThat((BigDecimal) row.get("balance_after")).isEqualByComparingTo(balance);
    }
    assertThat(ledger.balance(account)).isEqualByComparingTo(balance);
  }

  @Test
  void underLightTrafficASmallGroupWaitsForTheNextRequests() throws Exception {
    String account = wallet("10.00");
    try (UsageGroupCommit patient =
        new UsageGroupCommit(recorder, 1, 500, Duration.ofMillis(300))) {
      List<CompletableFuture<List<UsageResult>>> answers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        answers.add(patient.submit(List.of(event("light-" + i, account))));
        Thread.sleep(10);
      }
      for (CompletableFuture<List<UsageResult>> answer : answers) {
        assertThat(answer.get(10, TimeUnit.SECONDS).get(0).status()).isEqualTo(Status.POSTED);
      }
    }
    // One group, so one transaction: every row has its commit's time.
    assertThat(
            db.jdbc()
                .sql(
                    "SELECT count(DISTINCT created_at) FROM wallet_transactions"
                        + " WHERE type = 'usage' AND account_id = ?")
                .param(account)
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void aFullGroupNeverWaits() throws Exception {
    String account = wallet("10.00");
    try (UsageGroupCommit patient =
        new UsageGroupCommit(recorder, 1, 500, Duration.ofSeconds(30))) {
      List<UsageEvent> events = new ArrayList<>();
      for (int i = 0; i < UsageGroupCommit.SMALL_GROUP; i++) {
        events.add(event("full-" + i, account));
      }
      long start = System.nanoTime();
      List<UsageResult> results = patient.submit(events).get(10, TimeUnit.SECONDS);
      assertThat(results).allMatch(r -> r.status() == Status.POSTED);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  private UsageEvent event(String id, String account) {
    return new UsageEvent(
        id, account, new BigDecimal("0.01"), null, 0, 0, 0, "gathered", clock.instant());
  }

  private String wallet(String balance) {
    String id = accounts.create("owner@example.com", null, null).account().id();
    ledger.credit(id, new BigDecimal(balance), TransactionType.REFUND, "opening", null);
    return id;
  }
}
