package dev.walletworker.worker.cli;

import dev.walletworker.migrations.Migrations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import picocli.CommandLine.Command;

@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Apply pending database migrations (the daemon also does this when it starts).")
final class MigrateCommand extends DatabaseCommand {

  MigrateCommand(CliEnvironment env) {
    super(env);
  }

  @Override
  Action prepare() {
    return context -> {
      DataSource dataSource = context.unmigratedDataSource();
      List<String> applied = Migrations.migrate(dataSource);
      String version = Migrations.currentVersion(dataSource);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("applied", applied);
      json.put("schema_version", version);
      String text =
          applied.isEmpty()
              ? "schema is up to date at version " + version
              : "applied " + String.join(", ", applied) + "; schema is at version " + version;
      return new Output(json, text);
    };
  }
}
