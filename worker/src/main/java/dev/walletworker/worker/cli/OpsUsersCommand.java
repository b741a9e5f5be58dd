package dev.walletworker.worker.cli;

import dev.walletworker.audit.AuditAction;
import dev.walletworker.audit.AuditLog;
import dev.walletworker.ops.OpsUsers;
import dev.walletworker.worker.ops.OpsPasswords;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "ops-users",
    description = "Add, list and remove the users of the ops console (/ops on MANAGEMENT_PORT).",
    mixinStandardHelpOptions = true)
final class OpsUsersCommand {

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Add a console user; prints a generated password (shown once), or takes one line from"
            + " stdin with --password-stdin.",
        "Only the password's hash is stored."
      })
  static final class Add extends DatabaseCommand {
    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The user's name (a-z, 0-9, . _ @ -).")
    String name;

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of stdin (at least 12 characters).")
    boolean passwordStdin;

    @Mixin OperatorOption operator;

    Add(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      OpsUsers.checkName(name);
      String who = operator.name();
      String password = passwordStdin ? OpsPasswords.check(readLine()) : OpsPasswords.generate();
      String hash = OpsPasswords.encoder().encode(password);
      return context ->
          context.audited(
              () -> {
                OpsUsers.OpsUser user = context.opsUsers().add(name, hash);
                context
                    .auditLog()
                    .record(
                        new AuditLog.Change(
                            who,
                            AuditAction.OPS_USER_ADD,
                            "ops_user",
                            name,
                            null,
                            null,
                            null,
                            Map.of("name", name),
                            null));
                Map<String, Object> json = user(user);
                if (!passwordStdin) {
                  json.put("password", password);
                }
                return new Output(
                    json,
                    "added ops user "
                        + name
                        + (passwordStdin
                            ? ""
                            : "\n  password  "
                                + password
                                + "\n  (shown once: only its hash is stored)"));
              });
    }

    private String readLine() {
      try {
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line == null ? "" : line;
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the password from stdin", e);
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the console users (names and when they were added; never passwords).")
  static final class ListUsers extends DatabaseCommand {
    ListUsers(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      return context -> {
        List<OpsUsers.OpsUser> users = context.opsUsers().list();
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder text = new StringBuilder(String.format("%-30s  %s%n", "NAME", "ADDED"));
        for (OpsUsers.OpsUser user : users) {
          json.add(user(user));
          text.append(String.format("%-30s  %s%n", user.name(), Views.time(user.createdAt())));
        }
        return new Output(
            Map.of("users", json),
            users.isEmpty() ? "no ops users" : text.toString().stripTrailing());
      };
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a console user: their password stops working at once.")
  static final class Remove extends DatabaseCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The user's name.")
    String name;

    @Mixin OperatorOption operator;

    Remove(CliEnvironment env) {
      super(env);
    }

    @Override
    Action prepare() {
      OpsUsers.checkName(name);
      String who = operator.name();
      return context ->
          context.audited(
              () -> {
                context.opsUsers().remove(name);
                context
                    .auditLog()
                    .record(
                        new AuditLog.Change(
                            who,
                            AuditAction.OPS_USER_REMOVE,
                            "ops_user",
                            name,
                            null,
                            null,
                            Map.of("name", name),
                            null,
                            null));
                return new Output(
                    Map.of("name", name, "removed", true), "removed ops user " + name);
              });
    }
  }

  private static Map<String, Object> user(OpsUsers.OpsUser user) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", user.name());
    json.put("created_at", Views.time(user.createdAt()));
    return json;
  }
}
