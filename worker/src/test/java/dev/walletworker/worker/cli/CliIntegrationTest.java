package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

class CliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);
  private String id;

  @BeforeEach
  void givenAnAccount() {
    id =
        cli.json("accounts", "create", "--email", "owner@example.com", "--name", "Ada", "--json")
            .get("id")
            .asString();
  }

  @Test
  void createPrintsTheNewAccount() {
    JsonNode created =
        cli.json("accounts", "create", "--email", "eu@example.com", "--currency", "eur", "--json");

    assertThat(created.get("id").asString()).matches("acct_[a-z0-9]{16}");
    assertThat(created.get("email").asString()).isEqualTo("eu@example.com");
    assertThat(created.get("status").asString()).isEqualTo("active");
    assertThat(created.get("currency").asString()).isEqualTo("EUR");
    assertThat(created.get("balance").decimalValue()).isEqualByComparingTo("0");
    assertThat(created.get("balance").toString()).isEqualTo("0.00");
    assertThat(created.get("api_key").asString()).matches("ask_[a-z0-9]{40}");
    String hash =
        db.jdbc()
            .sql("SELECT key_hash FROM api_keys WHERE account_id = ?")
            .param(created.get("id").asString())
            .query(String.class)
            .single();
    assertThat(hash).matches("[0-9a-f]{64}").doesNotContain(created.get("api_key").asString());
  }

  @Test
  void aProcessWhoseTimeZoneDiffersFromTheDatabasesRefusesToStartAndChangesNothing() {
    // Given the database's months recorded in UTC by the first process (the account's creation).
    assertThat(db.jdbc().sql("SELECT time_zone FROM system_settings").query(String.class).single())
        .isEqualTo("UTC");

    // When a process configured for Paris debits usage.
    Cli.Result paris =
        cli.runWith(
            java.util.Map.of("wallet.time-zone", "Europe/Paris"),
            "wallet",
            "credit",
            id,
            "--amount",
            "5",
            "--type",
            "refund");

    // Then it refuses to start, in one line naming TIME_ZONE and both zones, and changes nothing.
    assertThat(paris.code()).isEqualTo(1);
    assertThat(paris.err())
        .hasLineCount(1)
        .startsWith("error: TIME_ZONE (wallet.time-zone) is Europe/Paris")
        .contains("counts calendar months in UTC", "TIME_ZONE=UTC");
    assertThat(cli.json("accounts", "show", id, "--json").get("balance").toString())
        .isEqualTo("0.00");
    // A name for the same rules is the same zone.
    assertThat(
            cli.runWith(java.util.Map.of("wallet.time-zone", "Etc/UTC"), "accounts", "show", id)
                .code())
        .isZero();
  }

  @Test
  void keysRotateAndRevoke() {
    JsonNode rotated = cli.json("accounts", "keys", "rotate", id, "--json");
    assertThat(rotated.get("api_key").asString()).startsWith("ask_");
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM api_keys WHERE account_id = ? AND revoked_at IS NULL")
                .param(id)
                .query(Long.class)
                .single())
        .isEqualTo(1);

    JsonNode revoked = cli.json("accounts", "keys", "revoke", id, "--json");
    assertThat(revoked.get("revoked").asInt()).isEqualTo(1);
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM api_keys WHERE account_id = ? AND revoked_at IS NULL")
                .param(id)
                .query(Long.class)
                .single())
        .isZero();
    assertThat(cli.run("accounts", "keys", "rotate", "acct_doesnotexist00").code()).isEqualTo(1);
  }

  @Test
  void showPrintsStatusBalanceAndEverySetting() {
    cli.json(
        "accounts",
        "set",
        id,
        "--auto-topup",
        "on",
        "--topup-threshold",
        "5",
        "--topup-amount",
        "25",
        "--stripe-customer",
        "cus_123",
        "--payment-method",
        "pm_card_visa",
        "--alert",
        "on",
        "--alert-threshold",
        "10",
        "--limit",
        "on",
        "--monthly-limit",
        "100",
        "--limit-action",
        "alert",
        "--json");

    JsonNode shown = cli.json("accounts", "show", id, "--json");

    assertThat(shown.get("status").asString()).isEqualTo("active");
    assertThat(shown.get("auto_topup").toString())
        .isEqualTo(
            "{\"enabled\":true,\"threshold\":5.00,\"amount\":25.00,\"stripe_customer\":\"cus_123\","
                + "\"payment_method\":\"pm_card_visa\",\"failures\":0,\"retry_after\":null,"
                + "\"disabled_reason\":null,\"topups_last_24h\":0}");
    assertThat(shown.get("low_balance_alert").toString())
        .isEqualTo("{\"enabled\":true,\"threshold\":10.00}");
    assertThat(shown.get("spending_limit").toString())
        .isEqualTo("{\"enabled\":true,\"monthly_limit\":100.00,\"action\":\"alert\"}");

    Cli.Result text = cli.run("accounts", "show", id);
    assertThat(text.code()).isZero();
    assertThat(text.out())
        .contains(
            id,
            "owner@example.com (Ada)",
            "balance            0.00 USD",
            "on, below 5.00 add 25.00");
  }

  @Test
  void usageCreditAndHistoryEndToEnd() {
    JsonNode topUp =
        cli.json(
            "wallet",
            "credit",
            id,
            "--amount",
            "250",
            "--type",
            "topup",
            "--reference",
            "pi_1",
            "--json");
    assertThat(topUp.get("transaction").get("amount").toString()).isEqualTo("250.00");
    assertThat(topUp.get("bonus").get("amount").toString()).isEqualTo("37.50");
    assertThat(topUp.get("balance").toString()).isEqualTo("287.50");

    JsonNode debit =
        cli.json("wallet", "usage", id, "--amount", "0.15", "--request-id", "req_1", "--json");
    assertThat(debit.get("transaction").get("amount").toString()).isEqualTo("-0.15");
    assertThat(debit.get("replayed").asBoolean()).isFalse();
    JsonNode again =
        cli.json("wallet", "usage", id, "--amount", "0.15", "--request-id", "req_1", "--json");
    assertThat(again.get("replayed").asBoolean()).isTrue();
    assertThat(again.get("transaction").get("id")).isEqualTo(debit.get("transaction").get("id"));

    JsonNode history = cli.json("wallet", "transactions", id, "--limit", "2", "--json");
    assertThat(history.get("has_more").asBoolean()).isTrue();
    JsonNode newest = history.get("transactions").get(0);
    assertThat(newest.get("id").asString()).startsWith("txn_");
    assertThat(newest.get("type").asString()).isEqualTo("usage");
    assertThat(newest.get("amount").toString()).isEqualTo("-0.15");
    assertThat(newest.get("balance_after").toString()).isEqualTo("287.35");
    assertThat(newest.get("created_at").asString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(newest.get("description").asString()).isEqualTo("API usage");
    assertThat(history.get("transactions").get(1).get("type").asString()).isEqualTo("bonus");
  }

  @Test
  void opsBlockRefusesUsageUntilUnblocked() {
    cli.json("wallet", "credit", id, "--amount", "10", "--type", "topup", "--json");

    JsonNode blocked = cli.json("accounts", "block", id, "--reason", "chargeback", "--json");
    assertThat(blocked.get("status").asString()).isEqualTo("blocked");
    assertThat(blocked.get("blocked_reason").asString()).isEqualTo("chargeback");
    Cli.Result refused = cli.run("wallet", "usage", id, "--amount", "1", "--json");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.json().get("error").get("type").asString()).isEqualTo("account_blocked");

    assertThat(cli.json("accounts", "unblock", id, "--json").get("status").asString())
        .isEqualTo("active");
    assertThat(cli.json("wallet", "usage", id, "--amount", "1", "--json").get("balance").toString())
        .isEqualTo("9.00");
  }

  @Test
  void migrateReportsTheSchemaIsCurrent() {
    JsonNode result = cli.json("migrate", "--json");

    assertThat(result.get("applied")).isEmpty();
    assertThat(result.get("schema_version").asString()).isNotBlank();
  }

  @Test
  void aSchemaBehindIsMigratedAtStartOrRefusedWhenThatIsOff() {
    String name = "cli_schema_" + ProcessHandle.current().pid();
    db.jdbc().sql("DROP DATABASE IF EXISTS " + name).update();
    db.jdbc().sql("CREATE DATABASE " + name).update();
    try {
      Map<String, String> empty =
          Map.of(
              "wallet.database.url",
              db.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"),
              "wallet.database.username",
              db.username(),
              "wallet.database.password",
              db.password());
      Map<String, String> migrateOff = new HashMap<>(empty);
      migrateOff.put("wallet.database.migrate-on-start", "false");

      Cli.Result refused = execute(migrateOff, "accounts", "show", "acct_doesnotexist00");

      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.out()).isEmpty();
      assertThat(refused.err())
          .startsWith("error: the database schema is behind this worker (pending: 1 ")
          .endsWith("; run bin/worker migrate, or set DATABASE_MIGRATE_ON_START=true\n")
          .hasLineCount(1);

      // As always by default: the first command migrates.
      Cli.Result migrated = execute(empty, "accounts", "show", "acct_doesnotexist00");
      assertThat(migrated.err())
          .startsWith("error: No account acct_doesnotexist00")
          .hasLineCount(1);
      assertThat(execute(migrateOff, "accounts", "show", "acct_doesnotexist00").err())
          .startsWith("error: No account acct_doesnotexist00");
    } finally {
      db.jdbc().sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").update();
    }
  }

  private static Cli.Result execute(Map<String, String> config, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        WorkerCommand.execute(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            config);
    return new Cli.Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
