package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Every ops command writes exactly one audit row with the right fields; a refused one none. */
class AuditCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);
  private String account;

  @BeforeEach
  void givenAnAccount() {
    account =
        cli.json("accounts", "create", "--email", "owner@example.com", "--json")
            .get("id")
            .asString();
  }

  @Test
  void blockAndUnblockRecordWhoWhyAndTheStatusBeforeAndAfter() {
    ok("accounts", "block", account, "--reason", "chargeback", "--operator", "ada");

    JsonNode block = onlyRow();
    assertThat(block.get("operator").asString()).isEqualTo("ada");
    assertThat(block.get("action").asString()).isEqualTo("account.block");
    assertThat(block.get("target_kind").asString()).isEqualTo("account");
    assertThat(block.get("target_id").asString()).isEqualTo(account);
    assertThat(block.get("account").asString()).isEqualTo(account);
    assertThat(block.get("reason").asString()).isEqualTo("chargeback");
    assertThat(block.get("before").get("status").asString()).isEqualTo("active");
    assertThat(block.get("after").get("status").asString()).isEqualTo("blocked");
    assertThat(block.get("after").get("blocked_reason").asString()).isEqualTo("chargeback");
    assertThat(block.get("at").asString()).isNotBlank();

    ok("accounts", "unblock", account, "--reason", "resolved", "--operator", "bob");

    JsonNode unblock = rows("--action", "account.unblock").get(0);
    assertThat(unblock.get("operator").asString()).isEqualTo("bob");
    assertThat(unblock.get("reason").asString()).isEqualTo("resolved");
    assertThat(unblock.get("before").get("status").asString()).isEqualTo("blocked");
    assertThat(unblock.get("after").get("status").asString()).isEqualTo("active");
    assertThat(rows()).hasSize(2);
  }

  @Test
  void theOperatorDefaultsToTheOsUser() {
    ok("accounts", "block", account, "--reason", "chargeback");

    assertThat(onlyRow().get("operator").asString()).isEqualTo(System.getProperty("user.name"));
  }

  @Test
  void settingsChangesRecordTheSettingsBeforeAndAfter() {
    ok("accounts", "set", account, "--alert", "on", "--alert-threshold", "5", "--operator", "ada");

    JsonNode row = onlyRow();
    assertThat(row.get("action").asString()).isEqualTo("account.settings");
    assertThat(row.get("before").get("low_balance_alert").get("enabled").asBoolean()).isFalse();
    assertThat(row.get("after").get("low_balance_alert").get("enabled").asBoolean()).isTrue();
    assertThat(row.get("after").get("low_balance_alert").get("threshold").decimalValue())
        .isEqualByComparingTo("5");
  }

  @Test
  void aRefundRecordsItsTransactionTheBalanceAndWhatItRefersTo() {
    // The charge it refunds: refers_to must be a transaction of the same account.
    String charge =
        new dev.walletworker.ledger.Ledger(db.database(), java.time.Clock.systemUTC())
            .credit(
                account,
                new java.math.BigDecimal("3.00"),
                dev.walletworker.ledger.TransactionType.BONUS,
                null,
                null)
            .transaction()
            .id();
    JsonNode posting =
        ok(
            "wallet",
            "credit",
            account,
            "--amount",
            "12.50",
            "--type",
            "refund",
            "--reference",
            "refund-1",
            "--reason",
            "double charge",
            "--refers-to",
            charge,
            "--operator",
            "ada");

    JsonNode row = onlyRow();
    assertThat(row.get("action").asString()).isEqualTo("wallet.credit");
    assertThat(row.get("target_kind").asString()).isEqualTo("transaction");
    assertThat(row.get("target_id").asString())
        .isEqualTo(posting.get("transaction").get("id").asString());
    assertThat(row.get("account").asString()).isEqualTo(account);
    assertThat(row.get("reason").asString()).isEqualTo("double charge");
    assertThat(row.get("refers_to").asString()).isEqualTo(charge);
    assertThat(row.get("before").get("balance").decimalValue()).isEqualByComparingTo("3.00");
    assertThat(row.get("after").get("balance").decimalValue()).isEqualByComparingTo("15.50");
    assertThat(row.get("after").get("type").asString()).isEqualTo("refund");

    // The same reference again changes nothing, and records nothing.
    ok(
        "wallet",
        "credit",
        account,
        "--amount",
        "12.50",
        "--type",
        "refund",
        "--reference",
        "refund-1");
    assertThat(rows()).hasSize(1);
  }

  @Test
  void keyAndServiceKeyActionsAreRecordedWithoutAnyKey() {
    String apiKey =
        ok("accounts", "keys", "rotate", account, "--operator", "ada").get("api_key").asString();
    ok("accounts", "keys", "revoke", account, "--operator", "ada");
    JsonNode created = ok("service-keys", "create", "--name", "gateway-1", "--operator", "ada");
    ok("service-keys", "revoke", "gateway-1", "--operator", "ada");

    List<String> actions = new ArrayList<>();
    rows().forEach(r -> actions.add(r.get("action").asString()));
    assertThat(actions)
        .containsExactly(
            "service_key.revoke", "service_key.create", "api_keys.revoke", "api_keys.rotate");
    assertThat(rows("--action", "api_keys.revoke").get(0).get("after").get("keys_revoked").asInt())
        .isEqualTo(1);
    JsonNode revoked = rows("--action", "service_key.revoke").get(0);
    assertThat(revoked.get("target_id").asString()).isEqualTo(created.get("id").asString());
    assertThat(revoked.get("before").get("revoked_at").isNull()).isTrue();
    assertThat(revoked.get("after").get("revoked_at").asString()).isNotBlank();
    String everything = cli.run("audit", "list", "--json").out();
    assertThat(everything)
        .doesNotContain(apiKey)
        .doesNotContain(apiKey.substring(0, 12))
        .doesNotContain(created.get("key").asString());
  }

  @Test
  void priceMailReviewAndJobActionsAreRecorded() {
    ok("prices", "set", "chat-v1", "--input", "1", "--output", "2", "--operator", "ada");
    JsonNode price = onlyRow();
    assertThat(price.get("action").asString()).isEqualTo("price.set");
    assertThat(price.get("target_kind").asString()).isEqualTo("model_price");
    assertThat(price.get("after").get("model").asString()).isEqualTo("chat-v1");

    long mail =
        db.jdbc()
            .sql(
                "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload, status,"
                    + " attempts, next_attempt_at, last_error, created_at) VALUES ('k1',"
                    + " 'low_balance', ?, 'owner@example.com', '{}', 'failed', 12, now(), 'down',"
                    + " now()) RETURNING id")
            .param(account)
            .query(Long.class)
            .single();
    ok("mail", "retry", Long.toString(mail), "--operator", "ada");
    JsonNode retry = rows("--action", "mail.retry").get(0);
    assertThat(retry.get("target_id").asString()).isEqualTo(Long.toString(mail));
    assertThat(retry.get("account").asString()).isEqualTo(account);
    assertThat(retry.get("before").get("status").asString()).isEqualTo("failed");
    assertThat(retry.get("after").get("status").asString()).isEqualTo("pending");

    long review =
        db.jdbc()
            .sql(
                "INSERT INTO payment_reviews (reason, stripe_object_id, account_id, paid_minor,"
                    + " paid_currency, expected_amount, expected_currency, message, created_at)"
                    + " VALUES ('currency_mismatch', 'pi_yen', ?, 2500, 'JPY', 25, 'USD', 'm',"
                    + " now()) RETURNING id")
            .param(account)
            .query(Long.class)
            .single();
    ok(
        "topups",
        "resolve",
        Long.toString(review),
        "--note",
        "refunded at Stripe",
        "--operator",
        "ada");
    JsonNode resolved = rows("--action", "review.resolve").get(0);
    assertThat(resolved.get("reason").asString()).isEqualTo("refunded at Stripe");
    assertThat(resolved.get("account").asString()).isEqualTo(account);

    ok("jobs", "pause", "low-balance-alerts", "--operator", "ada");
    ok("jobs", "resume", "low-balance-alerts", "--operator", "ada");
    ok("jobs", "trigger", "low-balance-alerts", "--operator", "ada");
    JsonNode pause = rows("--action", "job.pause").get(0);
    assertThat(pause.get("target_kind").asString()).isEqualTo("job");
    assertThat(pause.get("target_id").asString()).isEqualTo("low-balance-alerts");
    assertThat(pause.get("before").get("paused").asBoolean()).isFalse();
    assertThat(pause.get("after").get("paused").asBoolean()).isTrue();
    JsonNode resume = rows("--action", "job.resume").get(0);
    assertThat(resume.get("before").get("paused").asBoolean()).isTrue();
    assertThat(resume.get("after").get("paused").asBoolean()).isFalse();
    assertThat(rows("--action", "job.trigger").get(0).get("refers_to").asString()).isNotBlank();
    assertThat(rows("--operator", "ada")).hasSize(6);
  }

  @Test
  void aRefusedActionWritesNoRow() {
    refused("accounts", "block", "acct_doesnotexist00", "--reason", "x");
    refused("accounts", "unblock", "acct_doesnotexist00");
    refused("accounts", "set", account, "--auto-topup", "on");
    refused("accounts", "keys", "rotate", "acct_doesnotexist00");
    refused("wallet", "credit", account, "--amount", "5", "--type", "gift");
    refused("wallet", "credit", "acct_doesnotexist00", "--amount", "5", "--type", "refund");
    refused("service-keys", "revoke", "no-such-key");
    refused("service-keys", "create", "--name", "bad/name");
    refused("prices", "set", "chat-v1", "--input", "-1", "--output", "2");
    refused("mail", "retry", "999");
    refused("topups", "resolve", "999", "--note", "x");
    refused("jobs", "pause", "no-such-job");
    // The action would succeed; the operator's name is refused, and with it the action.
    refused("accounts", "block", account, "--reason", "x", "--operator", " ");
    refused(
        "wallet",
        "credit",
        account,
        "--amount",
        "5",
        "--type",
        "bonus",
        "--reason",
        "r".repeat(501));

    assertThat(db.jdbc().sql("SELECT count(*) FROM audit_log").query(Long.class).single()).isZero();
    assertThat(
            db.jdbc()
                .sql("SELECT status FROM accounts WHERE id = ?")
                .param(account)
                .query(String.class)
                .single())
        .isEqualTo("active");
    assertThat(db.jdbc().sql("SELECT count(*) FROM wallet_transactions").query(Long.class).single())
        .isZero();
  }

  @Test
  void listFiltersByAccountOperatorAndActionAndPrintsATable() {
    String other =
        cli.json("accounts", "create", "--email", "other@example.com", "--json")
            .get("id")
            .asString();
    ok("accounts", "block", account, "--reason", "chargeback", "--operator", "ada");
    ok("accounts", "block", other, "--reason", "abuse", "--operator", "bob");
    ok("accounts", "unblock", account, "--operator", "bob");

    assertThat(rows()).hasSize(3);
    assertThat(rows("--account", account)).hasSize(2);
    assertThat(rows("--operator", "bob")).hasSize(2);
    assertThat(rows("--operator", "bob", "--account", other)).hasSize(1);
    assertThat(rows("--action", "account.block")).hasSize(2);
    assertThat(rows("--limit", "1")).hasSize(1);
    assertThat(rows("--limit", "1").get(0).get("action").asString()).isEqualTo("account.unblock");
    assertThat(rows("--operator", "nobody")).isEmpty();

    Cli.Result text = cli.run("audit", "list", "--account", other);
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("OPERATOR", "ACTION", "bob", "account.block", "account " + other, "abuse")
        .doesNotContain("chargeback");
    assertThat(cli.run("audit", "list", "--operator", "nobody").out()).contains("no audit entries");
  }

  private JsonNode ok(String... args) {
    String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
    withJson[args.length] = "--json";
    return cli.json(withJson);
  }

  private void refused(String... args) {
    Cli.Result result = cli.run(args);
    assertThat(result.code()).as(String.join(" ", args) + ": " + result.out()).isNotZero();
  }

  private List<JsonNode> rows(String... filters) {
    String[] args = new String[filters.length + 3];
    args[0] = "audit";
    args[1] = "list";
    System.arraycopy(filters, 0, args, 2, filters.length);
    args[args.length - 1] = "--json";
    List<JsonNode> rows = new ArrayList<>();
    cli.json(args).get("entries").forEach(rows::add);
    return rows;
  }

  private JsonNode onlyRow() {
    List<JsonNode> rows = rows();
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
