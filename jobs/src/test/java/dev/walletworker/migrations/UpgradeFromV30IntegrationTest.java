package dev.walletworker.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.walletworker.testing.TestDatabase;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A database deployed from main at V30 (before holds) with a wallet and a ledger row in it upgrades
 * to the current schema. Flyway runs with outOfOrder off and validateOnMigrate on, so a script with
 * a version below 30 added later (holds once were V15) is refused on such a database: this builds
 * the database from exactly the scripts that were released at V30, not from those below 30 now.
 */
class UpgradeFromV30IntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String ACCOUNT = "acct_upgradefromv3001";

  /** The versioned scripts main had released at V30. */
  private static final List<String> RELEASED_AT_V30 =
      List.of(
          "V1__accounts_wallets_ledger.sql",
          "V2__quartz_tables.sql",
          "V3__spring_batch_tables.sql",
          "V4__alerts_outbox_wakeup.sql",
          "V5__mail_dispatch_wakeup.sql",
          "V6__auto_topup.sql",
          "V7__spending_limits.sql",
          "V8__api_keys.sql",
          "V9__debit_usage_function.sql",
          "V10__quartz_lock_rows.sql",
          "V11__checkout_topups_payment_reviews.sql",
          "V12__time_zone_of_months.sql",
          "V14__metering.sql",
          "V20__web_sessions.sql",
          "V21__sign_in_links.sql",
          "V22__api_keys_last_used.sql",
          "V30__audit_log.sql");

  /** Repeatable scripts unchanged since V30 (read from the classpath). */
  private static final List<String> REPEATABLE_UNCHANGED =
      List.of(
          "R__audit_log_append_only.sql",
          "R__mail_outbox_queued.sql",
          "R__model_prices_append_only.sql");

  /** Repeatable scripts holds changed: their released text is kept in test resources. */
  private static final List<String> REPEATABLE_AS_RELEASED =
      List.of("R__debit_usage.sql", "R__wallets_watch.sql");

  @Test
  void aV30DatabaseWithAWalletUpgradesToHolds() throws Exception {
    String name = "migrations_v30_" + ProcessHandle.current().pid();
    db.jdbc().sql("DROP DATABASE IF EXISTS " + name).update();
    db.jdbc().sql("CREATE DATABASE " + name).update();
    try (HikariDataSource old = new HikariDataSource()) {
      old.setJdbcUrl(db.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
      old.setUsername(db.username());
      old.setPassword(db.password());
      // Given a database as main deployed it at V30, with a wallet and its top-up.
      Flyway.configure()
          .dataSource(old)
          .locations("filesystem:" + releasedAtV30())
          .load()
          .migrate();
      JdbcClient sql = JdbcClient.create(old);
      assertThat(Migrations.currentVersion(old)).isEqualTo("30");
      sql.sql("INSERT INTO accounts (id, email, created_at) VALUES (?, 'a@example.com', now())")
          .param(ACCOUNT)
          .update();
      sql.sql(
              "INSERT INTO wallets (account_id, balance, low_balance_alert_enabled,"
                  + " low_balance_alert_threshold, updated_at) VALUES (?, 42.5, true, 10, now())")
          .param(ACCOUNT)
          .update();
      sql.sql(
              "INSERT INTO wallet_transactions (id, account_id, type, amount, balance_after,"
                  + " description, reference, created_at) VALUES ('txn_"
                  + "v".repeat(24)
                  + "', ?, 'topup', 42.5, 42.5, 'Top-up', 'pay-1', now())")
          .param(ACCOUNT)
          .update();

      // When it is brought up to date (as the daemon and the CLI do: Flyway's defaults).
      List<String> applied = Migrations.migrate(old);

      // Then holds came in, and the wallet holds nothing: all of its balance is available.
      assertThat(applied).anyMatch(m -> m.contains("holds"));
      assertThat(SchemaHistory.isCurrent(old)).isTrue();
      Map<String, Object> wallet =
          sql.sql("SELECT balance, held, available FROM wallets WHERE account_id = ?")
              .param(ACCOUNT)
              .query()
              .singleRow();
      assertThat((BigDecimal) wallet.get("held")).isEqualByComparingTo("0");
      assertThat((BigDecimal) wallet.get("available")).isEqualByComparingTo("42.5");
      assertThat((BigDecimal) wallet.get("balance")).isEqualByComparingTo("42.5");
      assertThat(sql.sql("SELECT count(*) FROM wallet_transactions").query(Integer.class).single())
          .isEqualTo(1);
      assertThat(sql.sql("SELECT count(*) FROM holds").query(Integer.class).single()).isZero();
    } finally {
      db.jdbc().sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").update();
    }
  }

  /** A folder with the scripts as they were released at V30. */
  private static Path releasedAtV30() throws Exception {
    Path dir = Files.createTempDirectory("migrations-v30");
    dir.toFile().deleteOnExit();
    for (String script : RELEASED_AT_V30) {
      write(dir, script, ClasspathScripts.read(script));
    }
    for (String script : REPEATABLE_UNCHANGED) {
      write(dir, script, ClasspathScripts.read(script));
    }
    for (String script : REPEATABLE_AS_RELEASED) {
      try (InputStream in =
          UpgradeFromV30IntegrationTest.class
              .getClassLoader()
              .getResourceAsStream("released-v30/" + script)) {
        write(dir, script, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return dir;
  }

  private static void write(Path dir, String name, String text) throws Exception {
    Path target = dir.resolve(name);
    Files.writeString(target, text);
    target.toFile().deleteOnExit();
  }
}
