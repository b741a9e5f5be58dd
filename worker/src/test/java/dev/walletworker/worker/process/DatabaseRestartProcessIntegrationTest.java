package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.Reconciliation;
import dev.walletworker.testing.TestWallets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * PostgreSQL restarted under a running daemon: the daemon carries on without a restart of its own,
 * and its wake-up listener reconnects by itself.
 */
class DatabaseRestartProcessIntegrationTest {

  @TempDir Path data;

  @Test
  void theWakeUpListenerReconnectsAfterTheDatabaseRestarts() throws Exception {
    int port = DaemonProcess.freePort();
    EmbeddedPostgres pg = start(port);
    try (DaemonProcess daemon =
        DaemonProcess.start(
            "db-restart",
            url(port),
            Map.of(
                "LOW_BALANCE_ALERTS_CRON",
                "0 0 0 1 1 ? 2099",
                "WAKEUP_RECONNECT_DELAY",
                "200ms"))) {
      JdbcClient sql = JdbcClient.create(pg.getPostgresDatabase());
      TestWallets.wallet("acct_aaaaaaaaaaaaaaaa")
          .email("a@example.com")
          .balance(10)
          .lowBalanceAlert(5)
          .insert(sql);

      pg.close();
      await(
          () -> daemon.get("/actuator/health").contains("\"wakeup_listener\":\"reconnecting\""),
          daemon);
      // Readiness asks the database, which may take its connect timeout to fail on a busy machine.
      await(() -> daemon.health("/actuator/health/readiness") == 503, daemon);

      pg = start(port);
      await(
          () -> daemon.get("/actuator/health").contains("\"wakeup_listener\":\"listening\""),
          daemon);
      await(() -> daemon.health("/actuator/health/readiness") == 200, daemon);

      JdbcClient again = JdbcClient.create(pg.getPostgresDatabase());
      again.sql("UPDATE wallets SET balance = 1").update();
      await(
          () -> again.sql("SELECT count(*) FROM mail_outbox").query(Long.class).single() == 1,
          daemon);
      assertThat(daemon.log())
          .contains("wake-up listener lost the database", "wake-up listener reconnected");
    } finally {
      pg.close();
    }
  }

  /**
   * PostgreSQL goes away while charges are at Stripe and their answers cannot be recorded: the
   * daemon carries on by itself when it is back, asks Stripe again with the same keys, and every
   * crossing is charged once and credited once.
   */
  @Test
  void aDatabaseRestartedWhileChargesAreInFlightLosesAndDoublesNothing() throws Exception {
    int port = DaemonProcess.freePort();
    EmbeddedPostgres pg = start(port);
    StripeEmulator stripe = StripeEmulator.start(0);
    stripe.faults().latency(Duration.ofMillis(400));
    int crossings = 24;
    try (DaemonProcess daemon =
        DaemonProcess.start(
            "db-restart-charging",
            url(port),
            Map.of(
                "STRIPE_API_KEY", "sk_test_db_restart",
                "STRIPE_API_BASE", stripe.apiBase(),
                "STRIPE_READ_TIMEOUT", "3s",
                "AUTO_TOPUP_CRON", "0/5 * * * * ?",
                "AUTO_TOPUP_RETRY_INITIAL", "1s",
                "AUTO_TOPUP_CONCURRENCY", "4",
                "WAKEUP_RECONNECT_DELAY", "200ms"))) {
      JdbcClient sql = JdbcClient.create(pg.getPostgresDatabase());
      for (int i = 0; i < crossings; i++) {
        String id = TestWallets.accountId(i);
        TestWallets.wallet(id)
            .balance(10)
            .autoTopUp(5, 25, stripe.createCustomer(id + "@example.com"), "pm_card_visa")
            .insert(sql);
      }

      sql.sql("UPDATE wallets SET balance = 4").update();
      await(() -> !stripe.charges().isEmpty(), daemon);
      pg.close();
      int chargedWhileDown = stripe.charges().size();
      Thread.sleep(2000);
      pg = start(port);

      JdbcClient again = JdbcClient.create(pg.getPostgresDatabase());
      await(
          () ->
              again
                      .sql("SELECT count(*) FROM topup_attempts WHERE status = 'succeeded'")
                      .query(Long.class)
                      .single()
                  == crossings,
          daemon,
          Duration.ofSeconds(120));
      await(() -> daemon.health("/actuator/health/readiness") == 200, daemon);

      System.out.printf(
          "database restart mid-run: %d of %d charges made before it went away; all %d charged"
              + " and credited once after it came back%n",
          chargedWhileDown, crossings, stripe.charges().size());
      assertThat(chargedWhileDown).isLessThan(crossings);
      assertThat(stripe.charges()).hasSize(crossings);
      Reconciliation.assertReconciled(stripe, again);
      Reconciliation.assertOneChargePerAttempt(stripe, again);
      Reconciliation.assertNoAttemptUnresolved(again);
      assertThat(
              again
                  .sql("SELECT count(*) FROM wallets WHERE balance = 4 + 25 * 1.00")
                  .query(Long.class)
                  .single())
          .as("wallets credited once with $25")
          .isEqualTo(crossings);
    } finally {
      pg.close();
      stripe.close();
    }
  }

  private EmbeddedPostgres start(int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  private static DaemonProcess.Target url(int port) {
    return new DaemonProcess.Target(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
  }

  private static void await(Check condition, DaemonProcess daemon) throws Exception {
    await(condition, daemon, Duration.ofSeconds(60));
  }

  private static void await(Check condition, DaemonProcess daemon, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met; daemon log:\n" + daemon.log());
      }
      Thread.sleep(100);
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }
}
