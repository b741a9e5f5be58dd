package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

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
      sql.sql(
              "INSERT INTO accounts (id, email, created_at) VALUES ('acct_aaaaaaaaaaaaaaaa', 'a@example.com', now())")
          .update();
      sql.sql(
              "INSERT INTO wallets (account_id, balance, low_balance_alert_enabled, low_balance_alert_threshold, updated_at)"
                  + " VALUES ('acct_aaaaaaaaaaaaaaaa', 10, true, 5, now())")
          .update();

      pg.close();
      await(
          () -> daemon.get("/actuator/health").contains("\"wakeup_listener\":\"reconnecting\""),
          daemon);
      assertThat(daemon.health("/actuator/health/readiness")).isEqualTo(503);

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
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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
