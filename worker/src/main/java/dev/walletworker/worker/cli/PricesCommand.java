package dev.walletworker.worker.cli;

import dev.walletworker.Amounts;
import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.metering.Price;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "prices",
    description =
        "Per-model prices in USD per 1,000,000 tokens, versioned: a version is never edited, a new"
            + " one applies from its time.",
    mixinStandardHelpOptions = true)
final class PricesCommand {

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Add a price version for a model, in force from now or --effective-from.")
  static final class Set extends DatabaseCommand {
    @Parameters(
        index = "0",
        paramLabel = "MODEL",
        description = "The model, such as assisters-chat-v1.")
    String model;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "X",
        description = "Per 1M input tokens.")
    String input;

    @Option(
        names = "--output",
        required = true,
        paramLabel = "Y",
        description = "Per 1M output tokens.")
    String output;

    @Option(
        names = "--cached-input",
        paramLabel = "Z",
        description = "Per 1M cached input tokens (default: the input price).")
    String cachedInput;

    @Option(
        names = "--effective-from",
        paramLabel = "ISO-8601",
        description = "When the version applies from, such as 2026-12-01T00:00:00Z (default: now).")
    String effectiveFrom;

    @Mixin OperatorOption operator;

    Set(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      BigDecimal in = Amounts.parse(input, "--input");
      BigDecimal out = Amounts.parse(output, "--output");
      BigDecimal cached = cachedInput == null ? null : Amounts.parse(cachedInput, "--cached-input");
      Instant from = effectiveFrom == null ? null : time(effectiveFrom, "--effective-from");
      String who = operator.name();
      return context -> context.audited(() -> set(context, who, in, out, cached, from));
    }

    private Output set(
        CliContext context,
        String who,
        BigDecimal in,
        BigDecimal out,
        BigDecimal cached,
        Instant from) {
      Price price = context.modelPrices().set(model, in, out, cached, from);
      context
          .auditLog()
          .record(
              new AuditLog.Change(
                  who,
                  AuditAction.PRICE_SET,
                  "model_price",
                  price.id(),
                  null,
                  null,
                  null,
                  json(price),
                  null));
      return new Output(
          json(price),
          "price "
              + price.id()
              + ": "
              + price.model()
              + " input "
              + Amounts.format(price.inputPerMtok())
              + ", output "
              + Amounts.format(price.outputPerMtok())
              + ", cached input "
              + (price.cachedInputPerMtok() == null
                  ? "as input"
                  : Amounts.format(price.cachedInputPerMtok()))
              + " per 1M tokens, from "
              + Views.time(price.effectiveFrom()));
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List price versions, newest first per model; with --at, the one in force then.")
  static final class ListPrices extends DatabaseCommand {
    @Option(names = "--model", paramLabel = "M", description = "Only this model.")
    String model;

    @Option(
        names = "--at",
        paramLabel = "TIME",
        description = "ISO-8601: the versions in force then.")
    String at;

    ListPrices(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      Instant when = at == null ? null : time(at, "--at");
      return context -> {
        List<Price> prices = context.modelPrices().list(model, when);
        List<Map<String, Object>> json = new ArrayList<>();
        String format = "%-23s  %-28s  %10s  %10s  %12s  %s%n";
        StringBuilder text =
            new StringBuilder(
                String.format(
                    format, "VERSION", "MODEL", "INPUT", "OUTPUT", "CACHED IN", "EFFECTIVE FROM"));
        for (Price p : prices) {
          json.add(json(p));
          text.append(
              String.format(
                  format,
                  p.id(),
                  p.model(),
                  Amounts.format(p.inputPerMtok()),
                  Amounts.format(p.outputPerMtok()),
                  p.cachedInputPerMtok() == null
                      ? "as input"
                      : Amounts.format(p.cachedInputPerMtok()),
                  Views.time(p.effectiveFrom())));
        }
        return new Output(
            Map.of("prices", json),
            prices.isEmpty() ? "no prices" : text.toString().stripTrailing());
      };
    }
  }

  private static Map<String, Object> json(Price p) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", p.id());
    row.put("model", p.model());
    row.put("input", Views.money(p.inputPerMtok()));
    row.put("output", Views.money(p.outputPerMtok()));
    row.put("cached_input", Views.money(p.cachedInputPerMtok()));
    row.put("effective_from", p.effectiveFrom().toString());
    row.put("created_at", Views.time(p.createdAt()));
    return row;
  }

  private static Instant time(String text, String option) {
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new dev.walletworker.WalletException(
          dev.walletworker.ErrorType.INVALID_REQUEST,
          option
              + " must be an ISO-8601 date and time with its offset, such as"
              + " 2026-12-01T00:00:00Z, got '"
              + dev.walletworker.Texts.abbreviate(text)
              + "'",
          option);
    }
  }
}
