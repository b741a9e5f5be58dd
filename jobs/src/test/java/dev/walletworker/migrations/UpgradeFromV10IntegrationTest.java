package dev.walletworker.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A database created at V10 (before any function body moved to a repeatable migration) with data in
 * it upgrades to the current schema: the data is kept, and the functions and triggers now defined
 * in {@code R__*.sql} are the ones that run.
 */
class UpgradeFromV10IntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String ACCOUNT = "acct_upgradeupgrade01";

  @Test
  void aV10DatabaseWithDataUpgradesAndItsTriggersWork() throws Exception {
    String name = "migrations_v10_" + ProcessHandle.current().pid();
    db.jdbc().sql("DROP DATABASE IF EXISTS " + name).update();
    db.jdbc().sql("CREATE DATABASE " + name).update();
    try (HikariDataSource old = new HikariDataSource()) {
      old.setJdbcUrl(db.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
      old.setUsername(db.username());
      old.setPassword(db.password());
      // Given a database as V10 left it (versioned scripts only: no repeatable one existed yet).
      // (Flyway applies repeatable scripts whatever the target: these get only the V1-V10 files.)
      Path v10 = versionedScriptsUpTo(10);
      Flyway.configure().dataSource(old).locations("filesystem:" + v10).load().migrate();
      JdbcClient sql = JdbcClient.create(old);
      assertThat(Migrations.currentVersion(old)).isEqualTo("10");
      assertThat(
              sql.sql("SELECT count(*) FROM flyway_schema_history WHERE version IS NULL")
                  .query(Integer.class)
                  .single())
          .as("no repeatable migration at V10")
          .isZero();
      withDataAsV10Held(sql);

      // When it is brought up to date.
      List<String> applied = Migrations.migrate(old);

      // Then every later script ran, the data is kept, and the triggers work.
      assertThat(applied).anyMatch(m -> m.contains("wallets watch"));
      assertThat(applied).anyMatch(m -> m.contains("mail outbox queued"));
      assertThat(SchemaHistory.isCurrent(old)).isTrue();
      assertThat(
              sql.sql("SELECT balance FROM wallets WHERE account_id = ?")
                  .param(ACCOUNT)
                  .query(BigDecimal.class)
                  .single())
          .isEqualByComparingTo("30");
      assertThat(sql.sql("SELECT count(*) FROM wallet_transactions").query(Integer.class).single())
          .isEqualTo(1);
      assertThat(sql.sql("SELECT status FROM mail_outbox").query(String.class).single())
          .isEqualTo("sent");
      assertThat(sql.sql("SELECT status FROM topup_attempts").query(String.class).single())
          .isEqualTo("failed");

      List<String> wakeUps = new ArrayList<>();
      try (Connection listener = old.getConnection();
          Statement listen = listener.createStatement()) {
        listen.execute("LISTEN wallet_wakeup");
        // Debits through the function: below both thresholds and past the spending limit.
        Map<String, Object> debit =
            sql.sql(
                    "SELECT * FROM debit_usage(?, 25, 'usage', 'req-1', 'txn_"
                        + "u".repeat(24)
                        + "', now(), date_trunc('month', now())::date)")
                .param(ACCOUNT)
                .query()
                .singleRow();
        assertThat(debit.get("outcome")).isEqualTo("posted");
        sql.sql(
                "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload,"
                    + " next_attempt_at, created_at) VALUES ('after-upgrade', 'low_balance', ?,"
                    + " 'a@example.com', '{}', now(), now())")
            .param(ACCOUNT)
            .update();
        wakeUps.addAll(notifications(listener, 4));
      }
      assertThat(wakeUps)
          .containsExactlyInAnyOrder(
              "low-balance-alerts", "auto-topup", "budget-enforcement", "mail-dispatch");

      // The alert state the trigger re-arms: set, then the balance back above the threshold.
      sql.sql("UPDATE wallets SET low_balance_alerted_at = now() WHERE account_id = ?")
          .param(ACCOUNT)
          .update();
      sql.sql("UPDATE wallets SET balance = 100 WHERE account_id = ?").param(ACCOUNT).update();
      assertThat(
              sql.sql("SELECT low_balance_alerted_at IS NULL FROM wallets WHERE account_id = ?")
                  .param(ACCOUNT)
                  .query(Boolean.class)
                  .single())
          .isTrue();

      // And the newer tables and their triggers exist.
      sql.sql(
              "INSERT INTO model_prices (id, model, input_per_mtok, output_per_mtok,"
                  + " effective_from, created_at) VALUES ('price_aaaaaaaaaaaaaaaa', 'm', 1, 2,"
                  + " now(), now())")
          .update();
      assertThatThrownBy(() -> sql.sql("DELETE FROM model_prices").update())
          .hasMessageContaining("append-only");
    } finally {
      db.jdbc().sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").update();
    }
  }

  /** Rows in every table V10 had that the worker writes, as the code of that time wrote them. */
  private static void withDataAsV10Held(JdbcClient sql) {
    sql.sql("INSERT INTO accounts (id, email, created_at) VALUES (?, 'a@example.com', now())")
        .param(ACCOUNT)
        .update();
    sql.sql(
            "INSERT INTO wallets (account_id, balance, auto_topup_enabled, auto_topup_threshold,"
                + " auto_topup_amount, stripe_customer_id, stripe_payment_method_id,"
                + " low_balance_alert_enabled, low_balance_alert_threshold,"
                + " spending_limit_enabled, spending_limit_monthly, updated_at)"
                + " VALUES (?, 30, true, 10, 20, 'cus_a', 'pm_a', true, 10, true, 20, now())")
        .param(ACCOUNT)
        .update();
    sql.sql(
            "INSERT INTO wallet_transactions (id, account_id, type, amount, balance_after,"
                + " description, reference, created_at) VALUES ('txn_"
                + "t".repeat(24)
                + "', ?, 'topup', 30, 30, 'Top-up', 'pay-1', now())")
        .param(ACCOUNT)
        .update();
    sql.sql(
            "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload, status,"
                + " attempts, next_attempt_at, created_at, sent_at) VALUES ('before-upgrade',"
                + " 'low_balance', ?, 'a@example.com', '{}', 'sent', 1, now(), now(), now())")
        .param(ACCOUNT)
        .update();
    sql.sql(
            "INSERT INTO topup_attempts (id, account_id, status, amount, currency,"
                + " stripe_customer_id, payment_method_id, idempotency_key, requests, next_try_at,"
                + " failure_code, created_at, updated_at, resolved_at) VALUES ('tpa_"
                + "a".repeat(24)
                + "', ?, 'failed', 20, 'USD', 'cus_a', 'pm_a', 'idem-1', 1, now(), 'card_declined',"
                + " now(), now(), now())")
        .param(ACCOUNT)
        .update();
  }

  /**
   * A folder with copies of the versioned scripts up to {@code version}, as the classpath has them.
   */
  private static Path versionedScriptsUpTo(int version) throws Exception {
    Path dir = Files.createTempDirectory("migrations-v" + version);
    dir.toFile().deleteOnExit();
    Pattern versioned = Pattern.compile("V([0-9]+)__.+\\.sql");
    int copied = 0;
    for (String name : ClasspathScripts.names()) {
      Matcher m = versioned.matcher(name);
      if (m.matches() && Integer.parseInt(m.group(1)) <= version) {
        Path target = dir.resolve(name);
        Files.writeString(target, ClasspathScripts.read(name));
        target.toFile().deleteOnExit();
        copied++;
      }
    }
    assertThat(copied).as("versioned scripts up to V" + version).isGreaterThanOrEqualTo(version);
    return dir;
  }

  /** The payloads of {@code count} notifications, waiting up to 10 s for them. */
  private static List<String> notifications(Connection listener, int count) throws Exception {
    List<String> payloads = new ArrayList<>();
    long deadline = System.nanoTime() + 10_000_000_000L;
    PGConnection pg = listener.unwrap(PGConnection.class);
    while (payloads.size() < count && System.nanoTime() < deadline) {
      PGNotification[] batch = pg.getNotifications(500);
      if (batch != null) {
        for (PGNotification n : batch) {
          payloads.add(n.getParameter());
        }
      }
    }
    return payloads;
  }
}
