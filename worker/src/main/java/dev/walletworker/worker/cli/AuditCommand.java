package dev.walletworker.worker.cli;

import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "audit",
    description = "Read the audit log: who did which ops action, when, to what, and why.",
    mixinStandardHelpOptions = true)
final class AuditCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List ops actions, newest first.")
  static final class ListAudit extends DatabaseCommand {
    @Option(names = "--account", paramLabel = "ID", description = "Only actions on this account.")
    String account;

    @Option(
        names = "--operator",
        paramLabel = "NAME",
        description = "Only this operator's actions.")
    String operator;

    @Option(
        names = "--action",
        paramLabel = "A",
        description = "Only this action, such as account.block (see the README for every one).")
    String action;

    @Mixin LimitOption limit;

    ListAudit(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkOneOf("--action", action, AuditAction.CODES);
      checkLimit(limit.value, LimitOption.MAX);
      AuditAction kind = action == null ? null : AuditAction.fromCode(action);
      return context -> {
        List<AuditLog.Entry> entries =
            context.auditLog().list(account, operator, kind, limit.value);
        List<Map<String, Object>> json = new ArrayList<>();
        String format = "%-6s  %-20s  %-12s  %-18s  %-30s  %s%n";
        StringBuilder text =
            new StringBuilder(
                String.format(format, "ID", "AT", "OPERATOR", "ACTION", "TARGET", "REASON"));
        for (AuditLog.Entry e : entries) {
          json.add(entry(e));
          text.append(
              String.format(
                  format,
                  e.id(),
                  Views.time(e.at()),
                  e.operator(),
                  e.action().code(),
                  e.targetKind() + " " + e.targetId(),
                  e.reason() == null ? "" : e.reason()));
        }
        return new Output(
            Map.of("entries", json),
            entries.isEmpty() ? "no audit entries" : text.toString().stripTrailing());
      };
    }
  }

  static Map<String, Object> entry(AuditLog.Entry e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", e.id());
    json.put("at", Views.time(e.at()));
    json.put("operator", e.operator());
    json.put("action", e.action().code());
    json.put("target_kind", e.targetKind());
    json.put("target_id", e.targetId());
    json.put("account", e.accountId());
    json.put("reason", e.reason());
    json.put("before", e.before());
    json.put("after", e.after());
    json.put("refers_to", e.refersTo());
    return json;
  }
}
