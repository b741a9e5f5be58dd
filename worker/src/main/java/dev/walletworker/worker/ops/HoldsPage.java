package dev.walletworker.worker.ops;

import dev.walletworker.Amounts;
import dev.walletworker.Durations;
import dev.walletworker.holds.Hold;
import dev.walletworker.holds.HoldStatus;
import dev.walletworker.holds.Holds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /ops/holds}: the active holds, soonest to expire first, those expiring within {@link
 * #SOON} marked (and any past its expiry, which the expiry job has not reached yet); or, filtered
 * by status or account, the holds newest first with how each was settled.
 */
@Controller
class HoldsPage {

  /** A hold this close to its expiry is marked: its request has taken most of its time. */
  static final Duration SOON = Duration.ofMinutes(5);

  private static final int LIMIT = 200;
  private static final List<String> STATUSES =
      Arrays.stream(HoldStatus.values()).map(HoldStatus::code).toList();

  private final Holds holds;
  private final Clock clock;

  HoldsPage(Holds holds, Clock clock) {
    this.holds = holds;
    this.clock = clock;
  }

  @GetMapping("/ops/holds")
  String list(
      @RequestParam(defaultValue = "") String status,
      @RequestParam(defaultValue = "") String account,
      Model model) {
    String filter = OpsPageModel.statusFilter(status, STATUSES);
    String accountId = account.isBlank() ? null : account.strip();
    boolean activeView = filter == null && accountId == null;
    List<Hold> shown =
        activeView
            ? holds.active(LIMIT)
            : holds.list(accountId, filter == null ? null : HoldStatus.fromCode(filter), LIMIT);
    Instant now = clock.instant();
    List<Map<String, Object>> rows = shown.stream().map(hold -> row(hold, now)).toList();
    model.addAttribute("title", "Holds");
    model.addAttribute("activeView", activeView);
    model.addAttribute("account", accountId == null ? "" : accountId);
    model.addAttribute(
        "statuses",
        STATUSES.stream()
            .map(code -> Map.of("code", code, "selected", code.equals(filter)))
            .toList());
    model.addAttribute("holds", rows);
    model.addAttribute("empty", rows.isEmpty());
    model.addAttribute("soonMinutes", SOON.toMinutes());
    model.addAttribute(
        "expiringSoon", rows.stream().filter(row -> (Boolean) row.get("soon")).count());
    // Active ones only: counting every status would read the whole table, which grows by a row
    // per request that holds first.
    model.addAttribute("activeCount", holds.countActive());
    return "ops/holds";
  }

  /** One hold's row: for an active one, how long it has left; else how it was settled. */
  static Map<String, Object> row(Hold hold, Instant now) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", hold.id());
    row.put("account", hold.accountId());
    row.put("request", hold.requestId());
    row.put("status", hold.status().code());
    row.put("amount", Amounts.format(hold.amount()));
    row.put(
        "worstCase",
        hold.model() == null
            ? "amount"
            : hold.model()
                + ": up to "
                + hold.maxInputTokens()
                + " in, "
                + hold.maxOutputTokens()
                + " out");
    row.put("created", OpsPageModel.time(hold.createdAt()));
    row.put("expires", OpsPageModel.time(hold.expiresAt()));
    boolean active = hold.status() == HoldStatus.HELD;
    Duration left = Duration.between(now, hold.expiresAt());
    boolean overdue = active && (left.isNegative() || left.isZero());
    row.put("soon", active && left.compareTo(SOON) <= 0);
    row.put(
        "next",
        !active
            ? settled(hold)
            : overdue
                ? "past its expiry: the hold-expiry job releases it on its next run"
                : "expires in " + Durations.words(left) + " unless captured or released");
    return row;
  }

  private static String settled(Hold hold) {
    String when = OpsPageModel.time(hold.settledAt());
    return switch (hold.status()) {
      case CAPTURED ->
          "captured "
              + Amounts.format(hold.capturedAmount())
              + (hold.transactionId() == null ? "" : " (" + hold.transactionId() + ")")
              + " at "
              + when
              + (hold.expiredAt() == null ? "" : ", after it had expired");
      case RELEASED -> "released at " + when;
      case EXPIRED -> "expired at " + when + ": its amount is available again";
      case HELD -> "";
    };
  }
}
