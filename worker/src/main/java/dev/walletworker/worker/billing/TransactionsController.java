package dev.walletworker.worker.billing;

import dev.walletworker.Amounts;
import dev.walletworker.WalletException;
import dev.walletworker.account.Accounts;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionPage;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.ledger.WalletTransaction;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The wallet's ledger, newest first, paged and filtered by type; a month as CSV. */
@Controller
class TransactionsController {

  static final int PAGE = 25;
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private final Accounts accounts;
  private final Ledger ledger;
  private final Clock clock;

  TransactionsController(Accounts accounts, Ledger ledger, Clock clock) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.clock = clock;
  }

  @GetMapping("/billing/transactions")
  String list(
      Principal principal,
      @RequestParam(name = "type", required = false) String type,
      @RequestParam(name = "after", required = false) String after,
      Model model) {
    String account = PageModel.account(principal);
    String currency = accounts.get(account).wallet().currency();
    TransactionType filter = type == null || type.isBlank() ? null : TransactionType.fromCode(type);
    // "after" names a row of this account's ledger only: the ledger refuses any other.
    TransactionPage page =
        ledger.history(account, PAGE, after == null || after.isBlank() ? null : after, filter);
    ZoneId zone = clock.getZone();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WalletTransaction t : page.transactions()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("date", SHOWN.format(t.createdAt().atZone(zone)));
      row.put("type", t.type().code());
      row.put("description", t.description());
      row.put("amount", Amounts.format(t.amount()));
      row.put("negative", t.amount().signum() < 0);
      row.put("balance", Amounts.format(t.balanceAfter()));
      rows.add(row);
    }
    model.addAttribute("title", "Transactions");
    model.addAttribute("currency", currency);
    model.addAttribute("rows", rows);
    model.addAttribute("empty", rows.isEmpty());
    List<Map<String, Object>> types = new ArrayList<>();
    types.add(Map.of("code", "", "label", "All types", "selected", filter == null));
    for (TransactionType t : TransactionType.values()) {
      types.add(Map.of("code", t.code(), "label", t.code(), "selected", t == filter));
    }
    model.addAttribute("types", types);
    model.addAttribute("type", filter == null ? "" : filter.code());
    if (page.hasMore()) {
      model.addAttribute("nextAfter", page.transactions().get(page.transactions().size() - 1).id());
    }
    model.addAttribute("paged", after != null && !after.isBlank());
    model.addAttribute("month", YearMonth.now(clock).toString());
    return "billing/transactions";
  }

  /** One month of the ledger (in the zone of months), oldest first, as the CSV an owner files. */
  @GetMapping("/billing/transactions.csv")
  ResponseEntity<byte[]> csv(
      Principal principal, @RequestParam(name = "month", required = false) String month) {
    String account = PageModel.account(principal);
    YearMonth chosen;
    try {
      chosen = month == null || month.isBlank() ? YearMonth.now(clock) : YearMonth.parse(month);
    } catch (DateTimeParseException e) {
      throw new WalletException(
          dev.walletworker.ErrorType.INVALID_REQUEST,
          "month must be a month such as 2026-11",
          "month");
    }
    ZoneId zone = clock.getZone();
    List<WalletTransaction> rows =
        ledger.between(
            account,
            chosen.atDay(1).atStartOfDay(zone).toInstant(),
            chosen.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant());
    StringBuilder csv =
        new StringBuilder("id,created_at,type,amount,balance_after,description\r\n");
    for (WalletTransaction t : rows) {
      csv.append(t.id())
          .append(',')
          .append(t.createdAt())
          .append(',')
          .append(t.type().code())
          .append(',')
          .append(Amounts.format(t.amount()))
          .append(',')
          .append(Amounts.format(t.balanceAfter()))
          .append(',')
          .append(quoted(t.description()))
          .append("\r\n");
    }
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            "attachment; filename=\"transactions-" + chosen + ".csv\"")
        .body(csv.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs a
   * description as a formula.
   */
  static String quoted(String text) {
    String safe = text;
    if (!safe.isEmpty() && "=+-@".indexOf(safe.charAt(0)) >= 0) {
      safe = "'" + safe;
    }
    return "\"" + safe.replace("\"", "\"\"") + "\"";
  }
}
