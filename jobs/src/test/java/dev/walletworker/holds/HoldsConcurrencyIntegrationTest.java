package dev.walletworker.holds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.WalletException;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.Wallets;
import dev.walletworker.holds.HoldTransfers.Actual;
import dev.walletworker.holds.HoldTransfers.NewHold;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 64 threads doing hold → capture (sometimes above the hold, sometimes twice) or release with
 * random amounts, on one wallet and on 100: afterwards every hold is settled once, each balance is
 * its opening less its captures, the {@code balance_after} chain is unbroken, and a balance is
 * below zero only after an over-capture.
 */
class HoldsConcurrencyIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int THREADS = 64;
  private static final int ROUNDS = 25;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private final HoldTransfers transfers =
      new HoldTransfers(
          db.database(),
          new Holds(db.database()),
          new Wallets(db.database()),
          new ModelPrices(db.database(), clock),
          clock);

  @Test
  void oneHotWallet() throws Exception {
    run(wallets(1, "3000.00"));
  }

  @Test
  void oneHundredWallets() throws Exception {
    run(wallets(100, "40.00"));
  }

  /**
   * Expiry runs alongside: two threads expire holds with a clock an hour ahead (past every hold's
   * expires_at) while captures and releases run on the holds, so each hold races its capture or
   * release with its expiry. Throughout (each check is one statement: one snapshot) and at the end,
   * every wallet's held is what its active holds reserve.
   */
  @Test
  void expiryRacingCapturesAndReleasesKeepsHeldExact() throws Exception {
    List<String> wallets = wallets(10, "300.00");
    MutableClock ahead = new MutableClock(clock.instant().plus(java.time.Duration.ofHours(1)));
    HoldTransfers expiry =
        new HoldTransfers(
            db.database(),
            new Holds(db.database()),
            new Wallets(db.database()),
            new ModelPrices(db.database(), ahead),
            ahead);
    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    AtomicInteger expired = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
    int workers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(workers + 3);
    List<Future<?>> background = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      background.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  try {
                    expired.addAndGet(expiry.expireDue(5));
                  } catch (Throwable t) {
                    failures.add(t);
                  }
                }
              }));
    }
    background.add(
        pool.submit(
            () -> {
              while (running.get()) {
                mismatches.addAll(heldMismatches());
                checks.incrementAndGet();
              }
            }));
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < workers; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < ROUNDS; i++) {
                  String account = wallets.get(random.nextInt(wallets.size()));
                  BigDecimal amount = cents(random.nextInt(1, 500));
                  Hold hold = holdOrNull("x-" + thread + "-" + i, account, amount);
                  if (hold == null) {
                    continue;
                  }
                  try {
                    if (random.nextInt(3) == 0) {
                      transfers.release(hold.id(), account);
                    } else if (random.nextInt(2) == 0) {
                      transfers.capture(
                          hold.id(),
                          account,
                          new Actual(null, null, null, amount.multiply(new BigDecimal("0.5"))));
                    }
                    // Otherwise left to the expiry.
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    running.set(false);
    for (Future<?> f : background) {
      f.get();
    }
    pool.shutdown();

    assertThat(failures).isEmpty();
    assertThat(checks.get()).as("checks while running").isPositive();
    assertThat(mismatches).as("held while running").isEmpty();
    assertThat(heldMismatches()).as("held at the end").isEmpty();
    while (expiry.expireDue(100) > 0) {
      // What the expiry threads had not reached yet.
    }
    System.out.printf(
        "holds with expiry: %d expired while running, %d checks of held%n",
        expired.get(), checks.get());
    assertThat(expired.get()).as("expired while running").isPositive();
    assertThat(heldMismatches()).isEmpty();
    assertThat(db.jdbc().sql("SELECT sum(held) FROM wallets").query(BigDecimal.class).single())
        .isEqualByComparingTo("0");
    for (String account : wallets) {
      BigDecimal captured =
          db.jdbc()
              .sql(
                  "SELECT coalesce(sum(captured_amount), 0) FROM holds"
                      + " WHERE account_id = ? AND status = 'captured'")
              .param(account)
              .query(BigDecimal.class)
              .single();
      assertThat(ledger.balance(account))
          .as(account + ": opening - captures")
          .isEqualByComparingTo(new BigDecimal("300.00").subtract(captured));
      assertChainUnbroken(account, ledger.balance(account));
    }
  }

  /** A hold of a plain amount, or null when it is refused (funds, a limit). */
  private Hold holdOrNull(String requestId, String account, BigDecimal amount) {
    try {
      return transfers.hold(new NewHold(requestId, account, null, null, null, amount, null)).hold();
    } catch (WalletException e) {
      return null;
    }
  }

  /** Wallets whose held is not the sum of their active holds, read in one statement. */
  private List<String> heldMismatches() {
    return db.jdbc()
        .sql(
            "SELECT w.account_id || ': held ' || w.held || ', active holds ' || coalesce(("
                + "SELECT sum(h.amount) FROM holds h WHERE h.account_id = w.account_id"
                + " AND h.status = 'held'), 0) FROM wallets w WHERE w.held <> coalesce(("
                + "SELECT sum(h.amount) FROM holds h WHERE h.account_id = w.account_id"
                + " AND h.status = 'held'), 0)")
        .query(String.class)
        .list();
  }

  private void run(List<String> wallets) throws Exception {
    AtomicInteger held = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < ROUNDS; i++) {
                  String account = wallets.get(random.nextInt(wallets.size()));
                  BigDecimal amount = cents(random.nextInt(1, 500));
                  Hold hold = holdOrNull("r-" + thread + "-" + i, account, amount);
                  if (hold == null) {
                    refused.incrementAndGet();
                    continue;
                  }
                  held.incrementAndGet();
                  try {
                    if (random.nextInt(4) == 0) {
                      transfers.release(hold.id(), account);
                    } else {
                      // Up to 120% of the hold: about one capture in six goes above it.
                      BigDecimal actual =
                          amount
                              .multiply(BigDecimal.valueOf(random.nextInt(0, 121)))
                              .movePointLeft(2)
                              .setScale(2, java.math.RoundingMode.DOWN);
                      Actual used = new Actual(null, null, null, actual);
                      transfers.capture(hold.id(), account, used);
                      if (random.nextInt(5) == 0) {
                        transfers.capture(hold.id(), account, used);
                      }
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    assertThat(failures).isEmpty();
    assertThat(held.get()).isGreaterThan(THREADS * ROUNDS / 2);
    // Every hold settled once: captured or released, nothing left reserved.
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM holds WHERE status NOT IN ('captured', 'released')")
                .query(Long.class)
                .single())
        .isZero();
    assertThat(db.jdbc().sql("SELECT sum(held) FROM wallets").query(BigDecimal.class).single())
        .isEqualByComparingTo("0");
    // One usage row per capture of more than nothing, and none for anything else.
    assertThat(
            db.jdbc()
                .sql(
                    "SELECT count(*) FROM holds h WHERE (h.status = 'captured'"
                        + " AND h.captured_amount > 0) <> EXISTS (SELECT 1 FROM wallet_transactions t"
                        + " WHERE t.hold_id = h.id AND -t.amount = h.captured_amount"
                        + " AND t.id = h.transaction_id)")
                .query(Long.class)
                .single())
        .isZero();
    for (String account : wallets) {
      Map<String, Object> totals =
          db.jdbc()
              .sql(
                  "SELECT w.balance, coalesce((SELECT sum(captured_amount) FROM holds"
                      + " WHERE account_id = w.account_id AND status = 'captured'), 0) AS captured,"
                      + " EXISTS (SELECT 1 FROM holds WHERE account_id = w.account_id"
                      + " AND captured_amount > amount) AS over_captured"
                      + " FROM wallets w WHERE w.account_id = ?")
              .param(account)
              .query()
              .singleRow();
      BigDecimal opening = new BigDecimal(wallets.size() == 1 ? "3000.00" : "40.00");
      BigDecimal balance = (BigDecimal) totals.get("balance");
      assertThat(balance)
          .as(account + ": opening - captures")
          .isEqualByComparingTo(opening.subtract((BigDecimal) totals.get("captured")));
      if (balance.signum() < 0) {
        assertThat((Boolean) totals.get("over_captured")).as(account + " below zero").isTrue();
      }
      assertChainUnbroken(account, balance);
    }
    System.out.printf(
        "holds: %d held, %d refused on %d wallet(s)%n", held.get(), refused.get(), wallets.size());
  }

  private void assertChainUnbroken(String account, BigDecimal balance) {
    List<Map<String, Object>> rows =
        db.jdbc()
            .sql(
                "SELECT amount, balance_after, hold_id FROM wallet_transactions"
                    + " WHERE account_id = ? ORDER BY seq")
            .param(account)
            .query()
            .listOfRows();
    BigDecimal running = BigDecimal.ZERO;
    for (Map<String, Object> row : rows) {
      running = running.add((BigDecimal) row.get("amount"));
      assertThat((BigDecimal) row.get("balance_after")).isEqualByComparingTo(running);
      if (running.signum() < 0) {
        assertThat(row.get("hold_id") != null || ((BigDecimal) row.get("amount")).signum() > 0)
            .as("only a capture takes a balance below zero")
            .isTrue();
      }
    }
    assertThat(running).isEqualByComparingTo(balance);
  }

  private List<String> wallets(int count, String opening) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = accounts.create("owner@example.com", null, null).account().id();
      ledger.credit(id, new BigDecimal(opening), TransactionType.REFUND, "opening", null);
      ids.add(id);
    }
    return ids;
  }

  private static BigDecimal cents(int cents) {
    return BigDecimal.valueOf(cents, 2);
  }
}
