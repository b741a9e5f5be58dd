package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The ops side of metering: service keys and model prices. */
class MeteringCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);

  @Test
  void aServiceKeyIsShownOnceListedByPrefixAndRevokedByName() {
    JsonNode created = cli.json("service-keys", "create", "--name", "gateway-eu-1", "--json");
    String key = created.get("key").asString();
    assertThat(key).startsWith("wsk_").hasSize(44);
    assertThat(created.get("id").asString()).startsWith("skey_");
    assertThat(created.get("created_at").asString()).isNotBlank();
    assertThat(
            db.jdbc()
                .sql("SELECT count(*) FROM service_keys WHERE key_hash LIKE '%' || ? || '%'")
                .param(key)
                .query(Long.class)
                .single())
        .isZero();

    JsonNode listed = cli.json("service-keys", "list", "--json").get("service_keys").get(0);
    assertThat(listed.get("name").asString()).isEqualTo("gateway-eu-1");
    assertThat(listed.get("prefix").asString()).isEqualTo(key.substring(0, 12));
    assertThat(listed.has("key")).isFalse();
    assertThat(cli.run("service-keys", "list").out()).doesNotContain(key).contains("never");

    Cli.Result twice = cli.run("service-keys", "create", "--name", "gateway-eu-1");
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err()).contains("already active");

    assertThat(cli.run("service-keys", "revoke", "gateway-eu-1").code()).isZero();
    assertThat(
            cli.json("service-keys", "list", "--json")
                .get("service_keys")
                .get(0)
                .get("revoked_at")
                .isNull())
        .isFalse();
    assertThat(cli.run("service-keys", "revoke", "gateway-eu-1").err())
        .contains("no active service key");
  }

  @Test
  void priceVersionsApplyFromTheirTimeAndAreListedAtATime() {
    assertThat(
            cli.run(
                    "prices",
                    "set",
                    "assisters-chat-v1",
                    "--input",
                    "0.50",
                    "--output",
                    "1.50",
                    "--effective-from",
                    "2026-01-01T00:00:00Z")
                .code())
        .isZero();
    assertThat(
            cli.run(
                    "prices",
                    "set",
                    "assisters-chat-v1",
                    "--input",
                    "0.40",
                    "--output",
                    "1.20",
                    "--cached-input",
                    "0.10",
                    "--effective-from",
                    "2026-06-01T00:00:00Z")
                .code())
        .isZero();

    JsonNode all =
        cli.json("prices", "list", "--model", "assisters-chat-v1", "--json").get("prices");
    assertThat(all).hasSize(2);
    assertThat(all.get(0).get("input").decimalValue()).isEqualByComparingTo("0.40");
    JsonNode march =
        cli.json("prices", "list", "--at", "2026-03-01T00:00:00Z", "--json").get("prices");
    assertThat(march).hasSize(1);
    assertThat(march.get(0).get("input").decimalValue()).isEqualByComparingTo("0.50");
    assertThat(march.get(0).get("cached_input").isNull()).isTrue();

    assertThat(cli.run("prices", "set", "m", "--input", "-1", "--output", "1").code()).isEqualTo(1);
    assertThat(cli.run("prices", "set", "m", "--input", "0.0000001", "--output", "1").code())
        .isEqualTo(1);
    assertThat(
            cli.run(
                    "prices",
                    "set",
                    "m",
                    "--input",
                    "1",
                    "--output",
                    "1",
                    "--effective-from",
                    "soon")
                .err())
        .contains("ISO-8601");
    assertThat(
            cli.run(
                    "prices",
                    "set",
                    "assisters-chat-v1",
                    "--input",
                    "1",
                    "--output",
                    "1",
                    "--effective-from",
                    "2026-01-01T00:00:00Z")
                .err())
        .contains("already has a price version");
  }
}
