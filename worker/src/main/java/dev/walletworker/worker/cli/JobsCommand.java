package dev.walletworker.worker.cli;

import dev.walletworker.worker.scheduling.JobActions;
import dev.walletworker.worker.scheduling.JobControl;
import dev.walletworker.worker.scheduling.JobHistory;
import dev.walletworker.worker.scheduling.JobOutcome;
import dev.walletworker.worker.scheduling.JobRunner;
import dev.walletworker.worker.scheduling.RunTrigger;
import dev.walletworker.worker.scheduling.StoredSchedules;
import dev.walletworker.worker.scheduling.WalletJobs;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "jobs",
    description = "Inspect, trigger, pause and resume the scheduled jobs (for the whole cluster).",
    mixinStandardHelpOptions = true)
final class JobsCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List each job with its schedule, whether it is paused, its next run and its last run.")
  static final class ListJobs extends DatabaseCommand {
    ListJobs(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      // Read from the store's tables: listing creates no scheduler and no batch job.
      return context -> {
        WalletJobs jobs = context.jobs();
        StoredSchedules stored = context.storedSchedules();
        Map<String, StoredSchedules.StoredSchedule> schedules = stored.byJob();
        JobHistory history = context.jobHistory();
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder text =
            new StringBuilder(
                String.format(
                    "%-20s  %-16s  %-6s  %-20s  %s%n",
                    "JOB", "SCHEDULE", "PAUSED", "NEXT RUN", "LAST RUN"));
        for (WalletJobs.WalletJob job : jobs.all()) {
          StoredSchedules.StoredSchedule schedule = schedules.get(job.name());
          String cron = schedule == null ? null : schedule.cron();
          boolean paused = schedule != null && schedule.paused();
          Instant next = schedule == null ? null : schedule.nextRun();
          Optional<JobOutcome> last = history.recent(job.name(), 1).stream().findFirst();
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("name", job.name());
          row.put("cron", cron == null ? job.cron() : cron);
          row.put("registered", cron != null);
          row.put("paused", paused);
          row.put("next_run", next == null ? null : next.toString());
          row.put("last_run", last.map(JobsCommand::run).orElse(null));
          rows.add(row);
          text.append(
              String.format(
                  "%-20s  %-16s  %-6s  %-20s  %s%n",
                  job.name(),
                  cron == null ? job.cron() + " *" : cron,
                  paused ? "yes" : "no",
                  next == null ? "-" : next.toString(),
                  last.map(JobsCommand::runText).orElse("never")));
        }
        List<String> daemons = stored.liveDaemons();
        text.append(
            daemons.isEmpty()
                ? "no daemon is running (bin/worker run)"
                : "daemons: " + String.join(", ", daemons));
        if (rows.stream().anyMatch(r -> !(Boolean) r.get("registered"))) {
          text.append("\n* not registered yet: the first daemon to start registers it");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jobs", rows);
        json.put("daemons", daemons);
        return new Output(json, text.toString());
      };
    }
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description = {
        "Queue a run through the scheduler's store: whichever daemon is up runs it.",
        "With --wait, wait for the outcome and exit non-zero if the run failed; with no daemon"
            + " running, --wait runs the job in this process."
      })
  static final class Trigger extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The job (see jobs list).")
    String name;

    @Option(names = "--wait", description = "Wait for the run's outcome.")
    boolean wait;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "10m",
        description = "How long --wait waits (default 10m; e.g. 90s, 5m).")
    String timeout;

    @Mixin OperatorOption operator;

    Trigger(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      Duration limit = duration(timeout);
      String who = operator.name();
      return context -> {
        JobControl control = context.spring(JobControl.class);
        JobActions actions = jobActions(context);
        if (wait && control.liveDaemons().isEmpty()) {
          actions.triggerHere(who, name);
          JobOutcome outcome = context.spring(JobRunner.class).run(name, RunTrigger.MANUAL, null);
          return finished(outcome, "ran in this process (no daemon is running)");
        }
        String requestId = actions.trigger(who, name);
        if (!wait) {
          List<String> daemons = control.liveDaemons();
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("job", name);
          json.put("queued", true);
          json.put("request_id", requestId);
          json.put("daemons", daemons);
          return new Output(
              json,
              "queued "
                  + name
                  + (daemons.isEmpty()
                      ? "; no daemon is running: it runs when one starts"
                      : " for the cluster (" + String.join(", ", daemons) + ")"));
        }
        return finished(awaitRun(context, requestId, limit), "ran by a daemon");
      };
    }

    private JobOutcome awaitRun(CliContext context, String requestId, Duration limit) {
      JobHistory history = context.spring(JobHistory.class);
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < deadline) {
        Optional<JobOutcome> run = history.byRequest(requestId);
        if (run.isPresent() && run.get().end() != null) {
          return run.get();
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new dev.walletworker.WalletException(
          dev.walletworker.ErrorType.INVALID_REQUEST,
          "the run of "
              + name
              + " did not finish within "
              + timeout
              + " (it stays queued; see jobs history)",
          "timeout");
    }

    private Duration duration(String text) {
      try {
        String value = text.strip().toLowerCase(java.util.Locale.ROOT);
        Duration parsed =
            value.endsWith("ms")
                ? Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)))
                : value.endsWith("s")
                    ? Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)))
                    : value.endsWith("m")
                        ? Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)))
                        : value.endsWith("h")
                            ? Duration.ofHours(
                                Long.parseLong(value.substring(0, value.length() - 1)))
                            : Duration.parse(text);
        if (parsed.isNegative() || parsed.isZero()) {
          throw new DateTimeParseException("not positive", text, 0);
        }
        return parsed;
      } catch (NumberFormatException | DateTimeParseException e) {
        throw usage("--timeout must be a positive duration such as 90s or 5m, got '" + text + "'");
      }
    }

    private Output finished(JobOutcome outcome, String where) {
      Map<String, Object> json = run(outcome);
      json.put("where", where);
      return new Output(
          json, name + " " + runText(outcome) + " (" + where + ")", outcome.succeeded() ? 0 : 1);
    }
  }

  /** Pausing and resuming: the same steps, one switch. */
  abstract static class ScheduleSwitch extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The job (see jobs list).")
    String name;

    @Mixin OperatorOption operator;

    private final boolean pause;

    ScheduleSwitch(CliEnvironment env, boolean pause) {
      super(env);
      this.pause = pause;
    }

    @Override
    Action prepare() {
      String who = operator.name();
      return context -> {
        if (pause) {
          jobActions(context).pause(who, name);
        } else {
          jobActions(context).resume(who, name);
        }
        return new Output(
            Map.of("job", name, "paused", pause), name + (pause ? " paused" : " resumed"));
      };
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop the job's schedule across the cluster (manual triggers still run).")
  static final class Pause extends ScheduleSwitch {
    Pause(CliEnvironment env) {
      super(env, true);
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resume the job's schedule across the cluster.")
  static final class Resume extends ScheduleSwitch {
    Resume(CliEnvironment env) {
      super(env, false);
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "List the job's recent runs, newest first.")
  static final class History extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The job (see jobs list).")
    String name;

    @Mixin LimitOption limit;

    History(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkLimit(limit.value, LimitOption.MAX);
      return context -> {
        context.jobs().get(name);
        List<JobOutcome> runs = context.jobHistory().recent(name, limit.value);
        StringBuilder text = new StringBuilder();
        for (JobOutcome run : runs) {
          text.append(String.format("#%-6d %s%n", run.executionId(), runText(run)));
        }
        return new Output(
            Map.of("job", name, "runs", runs.stream().map(JobsCommand::run).toList()),
            runs.isEmpty() ? name + " has not run yet" : text.toString().stripTrailing());
      };
    }
  }

  /** The audited job actions, on the job commands' scheduler store (the console runs them too). */
  static JobActions jobActions(CliContext context) {
    return new JobActions(
        context.spring(JobControl.class),
        context.storedSchedules(),
        context.auditLog(),
        context.database());
  }

  static Map<String, Object> run(JobOutcome run) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("execution_id", run.executionId());
    json.put("status", run.status());
    json.put("trigger", run.trigger());
    json.put("start", time(run.start()));
    json.put("end", time(run.end()));
    json.put("read", run.read());
    json.put("written", run.written());
    json.put("filtered", run.filtered());
    json.put("skipped", run.skipped());
    json.put("failed", failed(run));
    json.put("error", run.exitMessage());
    return json;
  }

  static String runText(JobOutcome run) {
    return run.status()
        + (run.trigger() == null ? "" : " (" + run.trigger() + ")")
        + " "
        + (run.start() == null ? "-" : time(run.start()))
        + " → "
        + (run.end() == null ? "running" : time(run.end()))
        + String.format(
            "  read %d written %d filtered %d skipped %d failed %d",
            run.read(), run.written(), run.filtered(), run.skipped(), failed(run))
        + (run.exitMessage() == null
            ? ""
            : "  error: " + run.exitMessage().lines().findFirst().orElse(""));
  }

  /** Items read whose chunk did not commit (non-zero only for a run that failed or stopped). */
  private static long failed(JobOutcome run) {
    return "COMPLETED".equals(run.status())
        ? 0
        : Math.max(0, run.read() - run.written() - run.filtered() - run.skipped());
  }

  private static String time(LocalDateTime time) {
    return time == null ? null : time.withNano(0).toInstant(ZoneOffset.UTC).toString();
  }
}
