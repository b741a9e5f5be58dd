package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestWallets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The job commands with no daemon running. */
class JobsCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);

  @Test
  void triggerWaitWithNoDaemonRunsTheJobInThisProcess() {
    TestWallets.wallet("acct_aaaaaaaaaaaaaaaa")
        .email("a@example.com")
        .balance(1)
        .lowBalanceAlert(5)
        .insert(db.jdbc());

    JsonNode run = cli.json("jobs", "trigger", "low-balance-alerts", "--wait", "--json");

    assertThat(run.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(run.get("where").asString()).isEqualTo("ran in this process (no daemon is running)");
    assertThat(run.get("read").asLong()).isEqualTo(1);
    assertThat(run.get("written").asLong()).isEqualTo(1);
    assertThat(db.jdbc().sql("SELECT count(*) FROM mail_outbox").query(Long.class).single())
        .isEqualTo(1);

    JsonNode history = cli.json("jobs", "history", "low-balance-alerts", "--json");
    assertThat(history.get("runs")).hasSize(1);
    assertThat(history.get("runs").get(0).get("trigger").asString()).isEqualTo("manual");
  }

  @Test
  void triggerWithoutWaitQueuesTheRunForTheNextDaemon() {
    JsonNode queued = cli.json("jobs", "trigger", "low-balance-alerts", "--json");

    assertThat(queued.get("queued").asBoolean()).isTrue();
    assertThat(queued.get("daemons")).isEmpty();
    assertThat(
            db.jdbc()
                .sql(
                    "SELECT count(*) FROM qrtz_triggers WHERE job_name = 'low-balance-alerts' AND trigger_name LIKE 'MT_%'")
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void pauseIsKeptInTheStoreAndListed() {
    cli.json("jobs", "pause", "low-balance-alerts", "--json");

    JsonNode list = cli.json("jobs", "list", "--json");
    JsonNode job = job(list, "low-balance-alerts");
    assertThat(job.get("name").asString()).isEqualTo("low-balance-alerts");
    assertThat(job.get("cron").asString()).isEqualTo("0 * * * * ?");
    assertThat(job.get("paused").asBoolean()).isTrue();
    assertThat(job.get("last_run").isNull()).isTrue();
    assertThat(list.get("daemons")).isEmpty();

    cli.json("jobs", "resume", "low-balance-alerts", "--json");
    assertThat(cli.json("jobs", "list", "--json").get("jobs").get(0).get("paused").asBoolean())
        .isFalse();
  }

  @Test
  void unknownJobErrorNamesTheJobsThereAre() {
    assertThat(cli.run("jobs", "trigger", "nope").err())
        .contains(
            "unknown job 'nope'; the jobs are auto-topup, budget-enforcement, hold-expiry, low-balance-alerts, mail-dispatch, month-rollover");
  }

  private static JsonNode job(JsonNode list, String name) {
    for (JsonNode job : list.get("jobs")) {
      if (job.get("name").asString().equals(name)) {
        return job;
      }
    }
    throw new AssertionError("no job " + name + " in " + list);
  }
}
