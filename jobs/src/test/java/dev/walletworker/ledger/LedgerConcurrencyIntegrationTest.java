package dev.walletworker.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import dev.walletworker.account.Accounts;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LedgerConcurrencyIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final int THREADS = 32;
  private static final int DEBITS_PER_THREAD = 25;

  @Test
  void thirtyTwoThreadsDebitingOneWalletLoseNoUpdate() throws Exception {
    // Given a wallet that can pay for some but not all of the debits thrown at it
    Accounts accounts = new Accounts(db.database(), Clock.systemUTC());
    Ledger ledger = new Ledger(db.database(), Clock.systemUTC());
    String account = accounts.create("busy@example.com", null, null).account().id();
    ledger.credit(account, new BigDecimal("450.00"), TransactionType.TOPUP, null, null); // +67.50
    BigDecimal start = ledger.balance(account);
    BigDecimal debit = new BigDecimal("0.7003");

    // When 32 threads debit it at once
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              (Callable<Void>)
                  () -> {
                    go.await();
                    for (int i = 0; i < DEBITS_PER_THREAD; i++) {
                      try {
                        ledger.debitUsage(account, debit, null, "req-" + thread + "-" + i);
                        accepted.incrementAndGet();
                      } catch (WalletException e) {
                        assertThat(e.type()).isEqualTo(ErrorType.INSUFFICIENT_FUNDS);
                        refused.incrementAndGet();
                      }
                    }
                    return null;
                  }));
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();

    // Then every debit is accounted for, and the balance is exactly start minus the accepted ones
    assertThat(accepted.get() + refused.get()).isEqualTo(THREADS * DEBITS_PER_THREAD);
    // 517.50 / 0.7003 = 738.97…: exactly 738 fit, whatever the interleaving
    assertThat(accepted.get()).isEqualTo(738);
    BigDecimal expected = start.subtract(debit.multiply(BigDecimal.valueOf(accepted.get())));
    assertThat(ledger.balance(account)).isEqualByComparingTo(expected);

    // and the balance_after chain is unbroken: each row is the previous one plus its amount
    List<BigDecimal[]> chain =
        db.jdbc()
            .sql(
                "SELECT amount, balance_after FROM wallet_transactions WHERE account_id = ?"
                    + " ORDER BY seq")
            .param(account)
            .query((rs, n) -> new BigDecimal[] {rs.getBigDecimal(1), rs.getBigDecimal(2)})
            .list();
    assertThat(chain).hasSize(2 + accepted.get());
    BigDecimal running = BigDecimal.ZERO;
    for (BigDecimal[] row : chain) {
      running = running.add(row[0]);
      assertThat(row[1]).isEqualByComparingTo(running);
    }
    assertThat(running).isEqualByComparingTo(expected);
  }
}
