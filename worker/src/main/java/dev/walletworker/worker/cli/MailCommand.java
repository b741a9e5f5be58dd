package dev.walletworker.worker.cli;

import dev.walletworker.mail.MailComposer;
import dev.walletworker.mail.MailKind;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailRenderer;
import dev.walletworker.mail.MailStatus;
import dev.walletworker.mail.RenderedMail;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "mail",
    description = "Inspect the mail outbox, send failed mail again, and preview every email.",
    mixinStandardHelpOptions = true)
final class MailCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List outbox messages, newest first.")
  static final class ListMail extends DatabaseCommand {
    @Option(
        names = "--status",
        paramLabel = "pending|sent|failed",
        description = "Only the messages in this status.")
    String status;

    @Option(names = "--account", paramLabel = "ID", description = "Only this account's messages.")
    String account;

    @Mixin LimitOption limit;

    ListMail(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      checkOneOf("--status", status, MailStatus.CODES);
      checkLimit(limit.value, LimitOption.MAX);
      return context -> {
        List<MailOutbox.Entry> entries = context.mailOutbox().list(status, account, limit.value);
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder text =
            new StringBuilder(
                String.format(
                    "%-8s  %-22s  %-22s  %-7s  %-8s  %-20s  %s%n",
                    "ID", "KIND", "ACCOUNT", "STATUS", "ATTEMPTS", "WHEN", "LAST ERROR"));
        for (MailOutbox.Entry e : entries) {
          json.add(entry(e));
          Instant when =
              switch (e.status()) {
                case SENT -> e.sentAt();
                case PENDING -> e.nextAttemptAt();
                case FAILED -> e.createdAt();
              };
          text.append(
              String.format(
                  "%-8d  %-22s  %-22s  %-7s  %-8d  %-20s  %s%n",
                  e.id(),
                  e.kind(),
                  e.accountId(),
                  e.status().code(),
                  e.attempts(),
                  Views.time(when),
                  e.lastError() == null ? "" : e.lastError()));
        }
        return new Output(
            Map.of("messages", json),
            entries.isEmpty() ? "no messages" : text.toString().stripTrailing());
      };
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Queue a failed message again; its attempts start over.")
  static final class Retry extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The message id (see mail list).")
    long id;

    @Mixin OperatorOption operator;

    Retry(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      String who = operator.name();
      return context -> {
        // retry refuses any message that is not failed: that is what it was before.
        MailOutbox.Entry entry = context.opsActions().retryMail(who, id);
        return new Output(
            entry(entry), "mail " + id + " queued again; it is sent at the next dispatch");
      };
    }
  }

  @Command(
      name = "preview",
      mixinStandardHelpOptions = true,
      description = "Write sample .eml and .html files of an email kind, or of all.")
  static final class Preview extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "KIND", description = "An email kind, or 'all'.")
    String kind;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        defaultValue = "var/mail-preview",
        description = "Where to write the files (default var/mail-preview).")
    Path out;

    Preview(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      List<MailKind> kinds =
          kind.equals("all") ? Arrays.asList(MailKind.values()) : List.of(MailKind.fromCode(kind));
      return context -> {
        MailComposer composer = context.mailComposer();
        MailRenderer renderer = context.mailRenderer();
        List<String> files = new ArrayList<>();
        try {
          Files.createDirectories(out);
          for (MailKind k : kinds) {
            String account = "acct_0123456789abcdef";
            Path eml = out.resolve(k.code() + ".eml");
            try (OutputStream stream = Files.newOutputStream(eml)) {
              composer.writePreview(
                  k, account, "owner@example.com", "Ada Lovelace", k.samplePayload(), stream);
            }
            RenderedMail rendered =
                renderer.render(k, account, "owner@example.com", "Ada Lovelace", k.samplePayload());
            Path html = out.resolve(k.code() + ".html");
            Files.writeString(html, rendered.html());
            files.add(eml.toString());
            files.add(html.toString());
          }
        } catch (IOException e) {
          throw new UncheckedIOException("could not write to " + out + ": " + e.getMessage(), e);
        }
        return new Output(Map.of("files", files), String.join("\n", files));
      };
    }
  }

  static Map<String, Object> entry(MailOutbox.Entry e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", e.id());
    json.put("kind", e.kind());
    json.put("account", e.accountId());
    json.put("status", e.status().code());
    json.put("attempts", e.attempts());
    json.put("created_at", Views.time(e.createdAt()));
    json.put(
        "next_attempt_at", e.status() == MailStatus.PENDING ? Views.time(e.nextAttemptAt()) : null);
    json.put("sent_at", Views.time(e.sentAt()));
    json.put("last_error", e.lastError());
    return json;
  }
}
