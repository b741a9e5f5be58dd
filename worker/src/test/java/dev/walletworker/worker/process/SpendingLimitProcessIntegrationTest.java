package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestWallets;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The daemon blocks an account at its limit without waiting for a cron tick. */
class SpendingLimitProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void aDebitCrossingTheLimitBlocksTheAccountWithinMomentsAndRaisingItUnblocks() throws Exception {
    Map<String, String> wakeUpsOnly =
        Map.of(
            "BUDGET_ENFORCEMENT_CRON",
            "0 0 0 1 1 ? 2099",
            "SMTP_PORT",
            Integer.toString(DaemonProcess.freePort()));
    try (DaemonProcess daemon = DaemonProcess.start("budget", db, wakeUpsOnly)) {
      TestWallets.wallet("acct_aaaaaaaaaaaaaaaa")
          .email("a@example.com")
          .balance(100)
          .spendingLimit(10)
          .insert(db.jdbc());

      // The ledger keeps month-to-date spend as it debits; here the debit of a usage of 10.
      long start = System.nanoTime();
      db.jdbc()
          .sql(
              "UPDATE wallets SET balance = 90, spend_month = date_trunc('month', now() AT TIME ZONE 'UTC')::date,"
                  + " spend_month_to_date = 10 WHERE account_id = 'acct_aaaaaaaaaaaaaaaa'")
          .update();
      await(() -> "blocked".equals(status()), daemon);
      Duration reaction = Duration.ofNanos(System.nanoTime() - start);

      assertThat(reaction).isLessThan(Duration.ofSeconds(5));
      assertThat(db.jdbc().sql("SELECT kind FROM mail_outbox").query(String.class).list())
          .containsExactly("spending_limit_blocked");

      db.jdbc()
          .sql(
              "UPDATE wallets SET spending_limit_monthly = 20 WHERE account_id = 'acct_aaaaaaaaaaaaaaaa'")
          .update();
      await(() -> "active".equals(status()), daemon);
      assertThat(
              db.jdbc().sql("SELECT kind FROM mail_outbox ORDER BY id").query(String.class).list())
          .containsExactly("spending_limit_blocked", "account_unblocked");
    }
  }

  private static String status() {
    return db.jdbc().sql("SELECT status FROM accounts").query(String.class).single();
  }

  private static void await(BooleanSupplier condition, DaemonProcess daemon)
      throws InterruptedException {
    Await.await(condition, Duration.ofSeconds(30), daemon);
  }
}
