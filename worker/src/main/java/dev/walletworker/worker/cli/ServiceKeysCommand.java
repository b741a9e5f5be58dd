package dev.walletworker.worker.cli;

import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.metering.ServiceKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "service-keys",
    description =
        "Keys (wsk_…) the metered service uses to post usage for any account, and nothing else.",
    mixinStandardHelpOptions = true)
final class ServiceKeysCommand {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a service key; it is printed once and stored only as a hash.")
  static final class Create extends DatabaseCommand {
    @Option(
        names = "--name",
        required = true,
        description = "What the key is for, such as gateway-eu-1 (one active key per name).")
    String name;

    @Mixin OperatorOption operator;

    Create(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      String who = operator.name();
      return context -> context.audited(() -> create(context, who));
    }

    private Output create(CliContext context, String who) {
      ServiceKeys.IssuedKey key = context.serviceKeys().create(name);
      context
          .auditLog()
          .record(
              new AuditLog.Change(
                  who,
                  AuditAction.SERVICE_KEY_CREATE,
                  "service_key",
                  key.id(),
                  null,
                  null,
                  null,
                  Map.of("name", key.name()),
                  null));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", key.id());
      json.put("name", key.name());
      json.put("key", key.key());
      json.put("created_at", Views.time(key.createdAt()));
      return new Output(
          json,
          "created service key "
              + key.id()
              + " ("
              + key.name()
              + ")\n  key  "
              + key.key()
              + "\n  (shown once: it is stored only as a hash)");
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List every service key: id, name, prefix, created, last used, revoked.")
  static final class ListKeys extends DatabaseCommand {
    ListKeys(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      return context -> {
        List<ServiceKeys.ServiceKey> keys = context.serviceKeys().list();
        List<Map<String, Object>> json = new ArrayList<>();
        String format = "%-21s  %-24s  %-12s  %-20s  %-20s  %s%n";
        StringBuilder text =
            new StringBuilder(
                String.format(format, "ID", "NAME", "PREFIX", "CREATED", "LAST USED", "REVOKED"));
        for (ServiceKeys.ServiceKey k : keys) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", k.id());
          row.put("name", k.name());
          row.put("prefix", k.prefix());
          row.put("created_at", Views.time(k.createdAt()));
          row.put("last_used_at", Views.time(k.lastUsedAt()));
          row.put("revoked_at", Views.time(k.revokedAt()));
          json.add(row);
          text.append(
              String.format(
                  format,
                  k.id(),
                  k.name(),
                  k.prefix(),
                  Views.time(k.createdAt()),
                  k.lastUsedAt() == null ? "never" : Views.time(k.lastUsedAt()),
                  k.revokedAt() == null ? "-" : Views.time(k.revokedAt())));
        }
        return new Output(
            Map.of("service_keys", json),
            keys.isEmpty() ? "no service keys" : text.toString().stripTrailing());
      };
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a service key by id or name; it is refused within a second everywhere.")
  static final class Revoke extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "ID|NAME", description = "The key's id or name.")
    String key;

    @Mixin OperatorOption operator;

    Revoke(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      String who = operator.name();
      return context -> context.audited(() -> revoke(context, who));
    }

    private Output revoke(CliContext context, String who) {
      ServiceKeys.ServiceKey k = context.serviceKeys().revoke(key);
      Map<String, Object> before = new LinkedHashMap<>();
      before.put("revoked_at", null);
      context
          .auditLog()
          .record(
              new AuditLog.Change(
                  who,
                  AuditAction.SERVICE_KEY_REVOKE,
                  "service_key",
                  k.id(),
                  null,
                  null,
                  before,
                  Map.of("revoked_at", Views.time(k.revokedAt())),
                  null));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", k.id());
      json.put("name", k.name());
      json.put("revoked_at", Views.time(k.revokedAt()));
      return new Output(json, "revoked service key " + k.id() + " (" + k.name() + ")");
    }
  }
}
