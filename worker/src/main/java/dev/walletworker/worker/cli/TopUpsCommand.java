package dev.walletworker.worker.cli;

import dev.walletworker.Amounts;
import dev.walletworker.topup.TopUpAttempt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "topups",
    description = "Show auto top-up attempts: what was charged, declined, or is waiting.",
    mixinStandardHelpOptions = true)
final class TopUpsCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List auto top-up attempts, newest first.")
  static final class ListTopUps extends DatabaseCommand {
    private static final List<String> STATUSES =
        List.of("pending", "succeeded", "failed", "requires_action");

    @Option(names = "--account", paramLabel = "ID", description = "Only this account's attempts.")
    String account;

    // The values are listed in the description: as a label they would not fit the synopsis line.
    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description =
            "Only the attempts in this status: pending, succeeded, failed or requires_action.")
    String status;

    @Mixin LimitOption limit;

    ListTopUps(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkOneOf("--status", status, STATUSES);
      checkLimit(limit.value, LimitOption.MAX);
      return context -> {
        List<TopUpAttempt> attempts = context.topUpAttempts().recent(account, status, limit.value);
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder text =
            new StringBuilder(
                String.format(
                    "%-28s  %-22s  %-15s  %9s  %-30s  %-20s  %s%n",
                    "ATTEMPT",
                    "ACCOUNT",
                    "STATUS",
                    "AMOUNT",
                    "PAYMENT INTENT",
                    "CREATED",
                    "FAILURE"));
        for (TopUpAttempt a : attempts) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", a.id());
          row.put("account", a.accountId());
          row.put("status", a.status().code());
          row.put("amount", Views.money(a.amount()));
          row.put("currency", a.currency());
          row.put("payment_intent", a.paymentIntentId());
          row.put("requests", a.requests());
          row.put("failure_code", a.failureCode());
          row.put("failure_message", a.failureMessage());
          row.put("created_at", Views.time(a.createdAt()));
          row.put("resolved_at", Views.time(a.resolvedAt()));
          json.add(row);
          text.append(
              String.format(
                  "%-28s  %-22s  %-15s  %9s  %-30s  %-20s  %s%n",
                  a.id(),
                  a.accountId(),
                  a.status().code(),
                  Amounts.format(a.amount()),
                  a.paymentIntentId() == null ? "-" : a.paymentIntentId(),
                  Views.time(a.createdAt()),
                  a.failureCode() == null ? "" : a.failureCode()));
        }
        return new Output(
            Map.of("attempts", json),
            attempts.isEmpty() ? "no attempts" : text.toString().stripTrailing());
      };
    }
  }
}
