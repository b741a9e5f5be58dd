package dev.walletworker.worker.ops;

import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.db.Database;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** {@code /ops/audit}: the audit log, newest first, filtered by account, operator and action. */
@Controller
class AuditPage {

  private static final int LIMIT = 200;

  private final AuditLog audit;

  AuditPage(Database database, Clock clock) {
    this.audit = new AuditLog(database, clock);
  }

  @GetMapping("/ops/audit")
  String list(
      @RequestParam(defaultValue = "") String account,
      @RequestParam(defaultValue = "") String operator,
      @RequestParam(defaultValue = "") String action,
      Model model) {
    AuditAction kind = action.isBlank() ? null : AuditAction.fromCode(action);
    List<Map<String, Object>> rows =
        audit.list(blankToNull(account), blankToNull(operator), kind, LIMIT).stream()
            .map(AuditPage::entry)
            .toList();
    model.addAttribute("title", "Audit log");
    model.addAttribute("account", account);
    model.addAttribute("operatorFilter", operator);
    model.addAttribute(
        "actions",
        AuditAction.CODES.stream()
            .map(code -> Map.of("code", code, "selected", code.equals(action)))
            .toList());
    model.addAttribute("rows", rows);
    model.addAttribute("empty", rows.isEmpty());
    return "ops/audit";
  }

  private static String blankToNull(String text) {
    return text.isBlank() ? null : text.strip();
  }

  /** {@code balance: 48.30, status: blocked}: amounts as the product shows them, nested as such. */
  private static String values(Map<String, Object> values) {
    if (values == null) {
      return "";
    }
    return values.entrySet().stream()
        .map(e -> e.getKey() + ": " + value(e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  @SuppressWarnings("unchecked")
  private static String value(Object value) {
    if (value instanceof java.math.BigDecimal amount) {
      return dev.walletworker.Amounts.format(amount);
    }
    if (value instanceof Map<?, ?> nested) {
      return "(" + values((Map<String, Object>) nested) + ")";
    }
    return String.valueOf(value);
  }

  static Map<String, Object> entry(AuditLog.Entry e) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", e.id());
    row.put("at", OpsPageModel.time(e.at()));
    row.put("operator", e.operator());
    row.put("action", e.action().code());
    row.put("target", e.targetKind() + " " + e.targetId());
    row.put("account", e.accountId());
    row.put("reason", e.reason());
    row.put("before", values(e.before()));
    row.put("after", values(e.after()));
    row.put("refersTo", e.refersTo());
    return row;
  }
}
