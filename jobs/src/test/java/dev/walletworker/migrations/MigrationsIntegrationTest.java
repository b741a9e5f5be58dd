package dev.walletworker.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.walletworker.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

class MigrationsIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void emptyDatabaseGetsEveryTableAndASecondRunIsANoOp() {
    String name = "migrations_empty_" + ProcessHandle.current().pid();
    db.jdbc().sql("DROP DATABASE IF EXISTS " + name).update();
    db.jdbc().sql("CREATE DATABASE " + name).update();
    try (HikariDataSource empty = new HikariDataSource()) {
      empty.setJdbcUrl(db.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
      empty.setUsername(db.username());
      empty.setPassword(db.password());
      assertThat(Migrations.currentVersion(empty)).isNull();

      List<String> applied = Migrations.migrate(empty);

      assertThat(applied).hasSizeGreaterThanOrEqualTo(3);
      assertThat(Migrations.migrate(empty)).isEmpty();
      List<String> tables =
          JdbcClient.create(empty)
              .sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
              .query(String.class)
              .list();
      assertThat(tables)
          .contains(
              "accounts",
              "wallets",
              "wallet_transactions",
              "qrtz_job_details",
              "qrtz_triggers",
              "qrtz_locks",
              "qrtz_scheduler_state",
              "batch_job_instance",
              "batch_job_execution",
              "batch_step_execution");
    } finally {
      db.jdbc().sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").update();
    }
  }

  @Test
  void constraintsMakeBadStatesImpossible() {
    JdbcClient sql = db.jdbc();
    sql.sql(
            "INSERT INTO accounts (id, email, created_at) VALUES ('acct_aaaaaaaaaaaaaaaa', 'a@example.com', now())")
        .update();
    sql.sql("INSERT INTO wallets (account_id, updated_at) VALUES ('acct_aaaaaaaaaaaaaaaa', now())")
        .update();

    List<String> refused =
        List.of(
            "UPDATE accounts SET status = 'frozen'",
            "UPDATE accounts SET status = 'blocked'", // no reason, no since
            "UPDATE accounts SET blocked_reason = 'x'", // active with a reason
            "INSERT INTO wallets (account_id, updated_at) VALUES ('acct_aaaaaaaaaaaaaaaa', now())",
            "UPDATE wallets SET balance = -0.000001",
            "UPDATE wallets SET currency = 'usd'",
            "UPDATE wallets SET auto_topup_enabled = true",
            "UPDATE wallets SET auto_topup_threshold = -1",
            "UPDATE wallets SET auto_topup_amount = 9.99",
            "UPDATE wallets SET auto_topup_amount = 500",
            "UPDATE wallets SET auto_topup_amount = 20.001",
            "UPDATE wallets SET low_balance_alert_threshold = -1",
            "UPDATE wallets SET spending_limit_monthly = -1",
            "UPDATE wallets SET spending_limit_action = 'explode'",
            "UPDATE wallets SET spending_limit_enabled = true",
            txn("usage", "5", "5"),
            txn("topup", "-5", "0"),
            txn("refund", "0", "0"),
            txn("gift", "5", "5"),
            // A usage row below zero without a hold: only a capture may go below zero (V32).
            txn("usage", "-5", "-5"),
            "UPDATE wallets SET capture_overdraft = -1",
            "UPDATE wallets SET held = -1");
    for (String statement : refused) {
      assertThatThrownBy(() -> sql.sql(statement).update())
          .as(statement)
          .isInstanceOf(DataIntegrityViolationException.class);
    }

    sql.sql(txn("topup", "5", "5")).update();
    sql.sql("UPDATE wallets SET balance = 5").update();
    assertThat(sql.sql("SELECT balance FROM wallets").query(java.math.BigDecimal.class).single())
        .isEqualByComparingTo("5");
    // Below zero only as far as captures took it (what capture_hold records).
    sql.sql("UPDATE wallets SET capture_overdraft = 2, balance = -2").update();
    assertThatThrownBy(() -> sql.sql("UPDATE wallets SET balance = -2.000001").update())
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  private static String txn(String type, String amount, String balanceAfter) {
    return "INSERT INTO wallet_transactions (id, account_id, type, amount, balance_after,"
        + " description, created_at) VALUES ('txn_"
        + "a".repeat(24)
        + "', 'acct_aaaaaaaaaaaaaaaa', '"
        + type
        + "', "
        + amount
        + ", "
        + balanceAfter
        + ", '', now())";
  }
}
