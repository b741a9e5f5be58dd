package dev.walletworker.worker.cli;

import dev.walletworker.Amounts;
import dev.walletworker.holds.Hold;
import dev.walletworker.holds.HoldStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "holds",
    description = "Show holds: what the metered service reserved before a request, and its end.",
    mixinStandardHelpOptions = true)
final class HoldsCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List holds, newest first.")
  static final class ListHolds extends DatabaseCommand {
    private static final List<String> STATUSES =
        Arrays.stream(HoldStatus.values()).map(HoldStatus::code).toList();

    @Option(names = "--account", paramLabel = "ID", description = "Only this account's holds.")
    String account;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "Only the holds in this status: held, captured, released or expired.")
    String status;

    @Mixin LimitOption limit;

    ListHolds(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkOneOf("--status", status, STATUSES);
      checkLimit(limit.value, LimitOption.MAX);
      return context -> {
        List<Hold> holds =
            context
                .holds()
                .list(account, status == null ? null : HoldStatus.fromCode(status), limit.value);
        List<Map<String, Object>> json = new ArrayList<>();
        String format = "%-29s  %-22s  %-8s  %11s  %11s  %-20s  %-20s  %s%n";
        StringBuilder text =
            new StringBuilder(
                String.format(
                    format,
                    "HOLD",
                    "ACCOUNT",
                    "STATUS",
                    "AMOUNT",
                    "CAPTURED",
                    "CREATED",
                    "EXPIRES",
                    "REQUEST"));
        for (Hold h : holds) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", h.id());
          row.put("account", h.accountId());
          row.put("request_id", h.requestId());
          row.put("status", h.status().code());
          row.put("amount", Views.money(h.amount()));
          row.put("model", h.model());
          row.put("price_id", h.priceId());
          row.put("captured_amount", Views.money(h.capturedAmount()));
          row.put("transaction", h.transactionId());
          row.put("created_at", Views.time(h.createdAt()));
          row.put("expires_at", Views.time(h.expiresAt()));
          row.put("settled_at", Views.time(h.settledAt()));
          json.add(row);
          text.append(
              String.format(
                  format,
                  h.id(),
                  h.accountId(),
                  h.status().code(),
                  Amounts.format(h.amount()),
                  h.capturedAmount() == null ? "-" : Amounts.format(h.capturedAmount()),
                  Views.time(h.createdAt()),
                  Views.time(h.expiresAt()),
                  h.requestId()));
        }
        return new Output(
            Map.of("holds", json), holds.isEmpty() ? "no holds" : text.toString().stripTrailing());
      };
    }
  }
}
