package dev.walletworker.worker.ops;

import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.db.Database;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailStatus;
import dev.walletworker.topup.PaymentReviews;
import dev.walletworker.topup.TopUpAttempt;
import dev.walletworker.topup.TopUpAttempts;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.billing.SpendChart;
import dev.walletworker.worker.scheduling.JobHistory;
import dev.walletworker.worker.scheduling.JobOutcome;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Function;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /ops}: what needs a person first (attempts waiting too long, holds past their expiry,
 * failed mail, jobs whose last run failed), then charges, credits, emails and blocks per day for
 * the last 30 days.
 */
@Controller
class OverviewPage {

  static final int DAYS = 30;
  private static final int LIST = 20;

  private final Ledger ledger;
  private final MailOutbox mail;
  private final TopUpAttempts attempts;
  private final PaymentReviews reviews;
  private final AuditLog audit;
  private final JobHistory history;
  private final Holds holds;
  private final Clock clock;
  private final Duration waitingTooLong;

  OverviewPage(
      Ledger ledger,
      MailOutbox mail,
      JobHistory history,
      Holds holds,
      Database database,
      Clock clock,
      WorkerProperties properties) {
    this.ledger = ledger;
    this.mail = mail;
    this.history = history;
    this.holds = holds;
    this.clock = clock;
    this.attempts = new TopUpAttempts(database, clock);
    this.reviews = new PaymentReviews(database, attempts, clock);
    this.audit = new AuditLog(database, clock);
    // An attempt still pending when it would be looked up at Stripe by its metadata is late.
    this.waitingTooLong = properties.topup().searchAfter();
  }

  @GetMapping("/ops")
  String overview(Model model) {
    ZoneId zone = clock.getZone();
    LocalDate today = LocalDate.now(clock);
    LocalDate first = today.minusDays(DAYS - 1);
    Instant from = first.atStartOfDay(zone).toInstant();

    List<TopUpAttempt> waiting = attempts.waitingSince(clock.instant().minus(waitingTooLong), LIST);
    long failedMail = mail.count(MailStatus.FAILED);
    List<JobOutcome> failedRuns = history.latestFailures();
    List<Map<String, Object>> needs = new ArrayList<>();
    for (TopUpAttempt a : waiting) {
      needs.add(
          item(
              "Top-up "
                  + a.id()
                  + " of "
                  + a.accountId()
                  + " is "
                  + a.status().code()
                  + " since "
                  + OpsPageModel.time(a.createdAt()),
              "/ops/top-ups?status=" + a.status().code()));
    }
    // The expiry job is woken at each expiry: a hold still active a minute past it means the job
    // is paused, failing or not running anywhere, and the holds keep reserving the balance.
    long overdueHolds = holds.countExpiredBefore(clock.instant().minus(Duration.ofMinutes(1)));
    if (overdueHolds > 0) {
      needs.add(
          item(
              overdueHolds
                  + " hold(s) still active more than a minute past their expiry: is hold-expiry"
                  + " paused or failing?",
              "/ops/holds"));
    }
    // Money Stripe took that was not credited (another currency or amount, a session this worker
    // never started, a conflicting second completion): Stripe was told "received", a person
    // decides.
    for (PaymentReviews.Review review : reviews.list(false, LIST)) {
      needs.add(
          item(
              "Payment review #"
                  + review.id()
                  + " ("
                  + review.reason().code()
                  + (review.accountId() == null ? "" : ", " + review.accountId())
                  + "): "
                  + review.message()
                  + " Once settled: bin/worker topups resolve "
                  + review.id()
                  + " --note \"…\"",
              "/ops/top-ups"));
    }
    if (failedMail > 0) {
      needs.add(item(failedMail + " email(s) failed", "/ops/mail?status=failed"));
    }
    for (JobOutcome run : failedRuns) {
      needs.add(
          item(
              "The last run of "
                  + run.job()
                  + " (#"
                  + run.executionId()
                  + ") failed: "
                  + (run.exitMessage() == null
                      ? "no message"
                      : run.exitMessage().lines().findFirst().orElse("")),
              "/ops/jobs/" + run.job()));
    }
    model.addAttribute("title", "Overview");
    model.addAttribute("needs", needs);
    model.addAttribute("allClear", needs.isEmpty());

    SortedMap<LocalDate, Ledger.DayTotals> money = ledger.totalsPerDay(from, zone);
    SortedMap<LocalDate, Long> emails = mail.queuedPerDay(from, zone);
    SortedMap<LocalDate, Long> blocks = audit.perDay(AuditAction.ACCOUNT_BLOCK, from, zone);
    model.addAttribute(
        "chargesChart",
        chart(
            "Usage charged per day, last 30 days",
            first,
            today,
            day -> money.containsKey(day) ? money.get(day).charges() : BigDecimal.ZERO));
    model.addAttribute(
        "creditsChart",
        chart(
            "Credits (top-ups, bonuses, refunds) per day, last 30 days",
            first,
            today,
            day -> money.containsKey(day) ? money.get(day).credits() : BigDecimal.ZERO));
    model.addAttribute(
        "emailsChart",
        chart(
            "Emails queued per day, last 30 days",
            first,
            today,
            day -> BigDecimal.valueOf(emails.getOrDefault(day, 0L))));
    model.addAttribute(
        "blocksChart",
        chart(
            "Accounts blocked by ops per day, last 30 days",
            first,
            today,
            day -> BigDecimal.valueOf(blocks.getOrDefault(day, 0L))));
    return "ops/overview";
  }

  private static Map<String, Object> item(String text, String link) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("text", text);
    row.put("link", link);
    return row;
  }

  private static String chart(
      String label, LocalDate first, LocalDate today, Function<LocalDate, BigDecimal> value) {
    List<SpendChart.Bar> bars = new ArrayList<>();
    for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
      BigDecimal v = value.apply(day);
      bars.add(
          new SpendChart.Bar(
              v,
              // Counts come with no decimals, money with its own.
              day
                  + ": "
                  + (v.scale() == 0 ? v.toPlainString() : dev.walletworker.Amounts.format(v)),
              day.getDayOfMonth() == 1 || day.equals(first) || day.equals(today)
                  ? day.getMonthValue() + "/" + day.getDayOfMonth()
                  : null,
              day.equals(today)));
    }
    return SpendChart.bars(label, bars);
  }
}
