package dev.walletworker.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The job commands with no daemon running. */
class JobsCliIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Cli cli = new Cli(db);

  @Test
  void triggerWaitWithNoDaemonRunsTheJobInThisProcess() {
    db.jdbc()
        .sql(
            "INSERT INTO accounts (id, email, created_at) VALUES ('acct_aaaaaaaaaaaaaaaa', 'a@example.com', now())")
        .update();
    db.jdbc()
        .sql(
            "INSERT INTO wallets (account_id, balance, low_balance_alert_enabled, low_balance_alert_threshold, updated_at)"
                + " VALUES ('acct_aaaaaaaaaaaaaaaa', 1, true, 5, now())")
        .update();

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

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of(1, new String[] {"jobs", "trigger", "no-such-job"}),
        Arguments.of(1, new String[] {"jobs", "pause", "no-such-job"}),
        Arguments.of(1, new String[] {"jobs", "resume", "'; DROP TABLE accounts; --"}),
        Arguments.of(1, new String[] {"jobs", "history", "no-such-job"}),
        Arguments.of(2, new String[] {"jobs", "history", "low-balance-alerts", "--limit", "0"}),
        Arguments.of(
            2,
            new String[] {"jobs", "trigger", "low-balance-alerts", "--wait", "--timeout", "soon"}),
        Arguments.of(
            2,
            new String[] {"jobs", "trigger", "low-balance-alerts", "--wait", "--timeout", "-5s"}),
        Arguments.of(2, new String[] {"jobs", "trigger"}),
        Arguments.of(2, new String[] {"jobs", "explode"}));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badJobCommandsAreClearErrorsAndChangeNothing(int exit, String[] args) {
    String before = store();

    Cli.Result result = cli.run(args);

    assertThat(result.code()).isEqualTo(exit);
    assertThat(result.err()).startsWith("error: ").hasLineCount(1);
    assertThat(store()).isEqualTo(before);
  }

  static Stream<Arguments> badConfiguration() {
    return Stream.of(
        Arguments.of(
            "wallet.jobs.auto-topup.cron", "every minute", "is not a valid Quartz cron expression"),
        Arguments.of(
            "wallet.jobs.auto-topup.cron", "* * * * *", "is not a valid Quartz cron expression"),
        Arguments.of(
            "wallet.jobs.no-such-job.cron",
            "0 * * * * ?",
            "wallet.jobs names unknown jobs [no-such-job]"),
        Arguments.of(
            "wallet.mail.from", "not an address", "MAIL_FROM is not a valid email address"),
        Arguments.of(
            "wallet.mail.reply-to",
            "a@b.c\r\nBcc: x@y.z",
            "MAIL_REPLY_TO is not a valid email address"));
  }

  @ParameterizedTest
  @MethodSource("badConfiguration")
  void badConfigurationIsRefusedAtStartWithAClearError(String key, String value, String message) {
    String before = store();

    Cli.Result result =
        cli.runWith(java.util.Map.of(key, value.replace("\\r\\n", "\r\n")), "jobs", "list");

    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: ").contains(message).hasLineCount(1);
    assertThat(store()).isEqualTo(before);
  }

  @Test
  void unknownJobErrorNamesTheJobsThereAre() {
    assertThat(cli.run("jobs", "trigger", "nope").err())
        .contains(
            "unknown job 'nope'; the jobs are auto-topup, budget-enforcement, low-balance-alerts, mail-dispatch, month-rollover");
  }

  private static JsonNode job(JsonNode list, String name) {
    for (JsonNode job : list.get("jobs")) {
      if (job.get("name").asString().equals(name)) {
        return job;
      }
    }
    throw new AssertionError("no job " + name + " in " + list);
  }

  private String store() {
    return db.jdbc().sql("SELECT count(*) FROM qrtz_triggers").query(String.class).single()
        + "/"
        + db.jdbc().sql("SELECT count(*) FROM batch_job_execution").query(String.class).single()
        + "/"
        + db.jdbc().sql("SELECT count(*) FROM mail_outbox").query(String.class).single();
  }
}
