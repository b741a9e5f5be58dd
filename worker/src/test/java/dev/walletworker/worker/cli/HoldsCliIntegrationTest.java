package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.Wallets;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** {@code holds list} and the hold-expiry job, run by the CLI with no daemon. */
class HoldsCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);
  private final Clock clock = Clock.systemUTC();
  // Holds made an hour ago: the CLI's job runs on the system clock, and this one need not wait.
  private final MutableClock anHourAgo = new MutableClock(Instant.now().minus(Duration.ofHours(1)));
  private final HoldTransfers transfers =
      new HoldTransfers(
          db.database(),
          new Holds(db.database()),
          new Wallets(db.database()),
          new ModelPrices(db.database(), anHourAgo),
          anHourAgo);

  @Test
  void theExpiryJobReleasesHoldsPastTheirTimeAndListShowsThem() {
    String account =
        new Accounts(db.database(), clock).create("a@example.com", null, null).account().id();
    new Ledger(db.database(), clock)
        .credit(account, new BigDecimal("10.00"), TransactionType.REFUND, "opening", null);
    String shortHold = hold(account, "req_short", "2.00", Duration.ofMinutes(59));
    anHourAgo.advance(Duration.ofSeconds(1));
    String longHold = hold(account, "req_long", "3.00", Duration.ofHours(2));

    JsonNode run = cli.json("jobs", "trigger", "hold-expiry", "--wait", "--json");

    assertThat(run.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(run.get("written").asLong()).isEqualTo(1);
    JsonNode expired = cli.json("holds", "list", "--status", "expired", "--json").get("holds");
    assertThat(expired).hasSize(1);
    assertThat(expired.get(0).get("id").asString()).isEqualTo(shortHold);
    JsonNode all = cli.json("holds", "list", "--account", account, "--json").get("holds");
    assertThat(all).hasSize(2);
    assertThat(all.get(0).get("id").asString()).isEqualTo(longHold);
    assertThat(all.get(0).get("status").asString()).isEqualTo("held");
    assertThat(
            db.jdbc()
                .sql("SELECT held FROM wallets WHERE account_id = ?")
                .param(account)
                .query(BigDecimal.class)
                .single())
        .isEqualByComparingTo("3.00");
    assertThat(cli.run("holds", "list").out()).contains(longHold, "req_short", "expired");
  }

  @Test
  void aWrongStatusIsAUsageErrorNamingTheStatuses() {
    Cli.Result result = cli.run("holds", "list", "--status", "pending");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("held", "captured", "released", "expired");
  }

  private String hold(String account, String id, String amount, Duration expiresIn) {
    return transfers
        .hold(
            new HoldTransfers.NewHold(
                id, account, null, null, null, new BigDecimal(amount), expiresIn))
        .hold()
        .id();
  }
}
