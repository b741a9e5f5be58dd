package dev.walletworker.worker.ops;

import dev.walletworker.worker.billing.SpendChart;
import dev.walletworker.worker.scheduling.JobActions;
import dev.walletworker.worker.scheduling.JobControl;
import dev.walletworker.worker.scheduling.JobHistory;
import dev.walletworker.worker.scheduling.JobOutcome;
import dev.walletworker.worker.scheduling.StoredSchedules;
import dev.walletworker.worker.scheduling.WalletJobs;
import java.math.BigDecimal;
import java.security.Principal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /ops/jobs}: each job with its schedule, paused or not, next and last run; Trigger, Pause
 * and Resume (the CLI's {@link JobActions}, so cluster-wide and audited); one job's runs with
 * charts of their durations and item counts.
 */
@Controller
class JobsPage {

  static final int HISTORY = 50;
  private static final int MIN_BARS = 20;

  private final JobControl control;
  private final JobActions actions;
  private final JobHistory history;
  private final StoredSchedules stored;

  JobsPage(JobControl control, JobActions actions, JobHistory history, DataSource dataSource) {
    this.control = control;
    this.actions = actions;
    this.history = history;
    this.stored = new StoredSchedules(dataSource);
  }

  @GetMapping("/ops/jobs")
  String jobs(@RequestParam(required = false) String done, Model model) {
    Map<String, StoredSchedules.StoredSchedule> schedules = stored.byJob();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WalletJobs.WalletJob job : control.jobs().all()) {
      StoredSchedules.StoredSchedule schedule = schedules.get(job.name());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", job.name());
      row.put("cron", schedule == null ? job.cron() : schedule.cron());
      row.put("registered", schedule != null);
      row.put("paused", schedule != null && schedule.paused());
      // Quartz keeps a paused trigger's next fire time; it does not fire until resumed.
      row.put(
          "next",
          schedule == null
              ? ""
              : schedule.paused() ? "none while paused" : OpsPageModel.time(schedule.nextRun()));
      history.recent(job.name(), 1).stream()
          .findFirst()
          .ifPresent(run -> row.put("last", run(run)));
      rows.add(row);
    }
    model.addAttribute("title", "Jobs");
    model.addAttribute("jobs", rows);
    List<String> daemons = control.liveDaemons();
    model.addAttribute("daemons", String.join(", ", daemons));
    model.addAttribute("noDaemon", daemons.isEmpty());
    model.addAttribute("done", done);
    return "ops/jobs";
  }

  @GetMapping("/ops/jobs/{name}")
  String job(@PathVariable String name, Model model) {
    known(name);
    List<JobOutcome> runs = history.recent(name, HISTORY);
    List<SpendChart.Bar> durations = new ArrayList<>();
    List<SpendChart.Bar> items = new ArrayList<>();
    // Oldest on the left, as time goes.
    List<JobOutcome> oldestFirst = new ArrayList<>(runs);
    java.util.Collections.reverse(oldestFirst);
    for (JobOutcome run : oldestFirst) {
      Duration took = took(run);
      String tick = "#" + run.executionId();
      durations.add(
          new SpendChart.Bar(
              took == null ? BigDecimal.ZERO : BigDecimal.valueOf(took.toMillis()),
              tick + " " + run.status() + ": " + OpsPageModel.duration(took),
              null,
              !run.succeeded()));
      items.add(
          new SpendChart.Bar(
              BigDecimal.valueOf(run.read()),
              tick + ": read " + run.read() + ", written " + run.written(),
              null,
              !run.succeeded()));
    }
    // A few runs are drawn as narrow bars on the right, as the newest of many would be.
    while (durations.size() < MIN_BARS) {
      durations.add(0, new SpendChart.Bar(BigDecimal.ZERO, "", null, false));
      items.add(0, new SpendChart.Bar(BigDecimal.ZERO, "", null, false));
    }
    model.addAttribute("title", "Job " + name);
    model.addAttribute("name", name);
    model.addAttribute("runs", runs.stream().map(JobsPage::run).toList());
    model.addAttribute("empty", runs.isEmpty());
    model.addAttribute(
        "durationChart",
        SpendChart.bars(
            "Duration of the last " + runs.size() + " runs of " + name + " (milliseconds)",
            durations));
    model.addAttribute(
        "itemsChart",
        SpendChart.bars("Items read by the last " + runs.size() + " runs of " + name, items));
    return "ops/job";
  }

  @PostMapping("/ops/jobs/{name}/trigger")
  String trigger(@PathVariable String name, Principal principal) {
    known(name);
    actions.trigger(principal.getName(), name);
    return "redirect:/ops/jobs?done=" + name + "+queued";
  }

  @PostMapping("/ops/jobs/{name}/pause")
  String pause(@PathVariable String name, Principal principal) {
    known(name);
    actions.pause(principal.getName(), name);
    return "redirect:/ops/jobs?done=" + name + "+paused";
  }

  @PostMapping("/ops/jobs/{name}/resume")
  String resume(@PathVariable String name, Principal principal) {
    known(name);
    actions.resume(principal.getName(), name);
    return "redirect:/ops/jobs?done=" + name + "+resumed";
  }

  private void known(String name) {
    if (control.jobs().all().stream().noneMatch(job -> job.name().equals(name))) {
      throw new OpsPageModel.NotFoundPage("There is no job named " + name + ".");
    }
  }

  static Duration took(JobOutcome run) {
    LocalDateTime start = run.start();
    LocalDateTime end = run.end();
    return start == null || end == null ? null : Duration.between(start, end);
  }

  static Map<String, Object> run(JobOutcome run) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", run.executionId());
    json.put("job", run.job());
    json.put("status", run.status());
    json.put("failed", !run.succeeded());
    json.put("trigger", run.trigger());
    json.put("start", OpsPageModel.time(run.start()));
    json.put("end", run.end() == null ? "running" : OpsPageModel.time(run.end()));
    json.put("duration", OpsPageModel.duration(took(run)));
    json.put("read", run.read());
    json.put("written", run.written());
    json.put("filtered", run.filtered());
    json.put("skipped", run.skipped());
    json.put("error", run.exitMessage());
    return json;
  }
}
