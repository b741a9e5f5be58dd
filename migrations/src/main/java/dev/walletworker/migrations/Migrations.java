package dev.walletworker.migrations;

import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the project's Flyway migrations. Every table, Quartz's and Spring Batch's included, is
 * created here and nowhere else.
 */
public final class Migrations {

  /** Where the SQL files live on the classpath. */
  public static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  /**
   * Brings the schema up to date; returns what it applied as "version description", a repeatable
   * migration (the current definition of SQL functions and triggers) as "repeatable description"
   * (empty when already current).
   */
  public static List<String> migrate(DataSource dataSource) {
    MigrateResult result = flyway(dataSource).migrate();
    return result.migrations.stream()
        .map(
            m ->
                (m.version == null || m.version.isEmpty() ? "repeatable" : m.version)
                    + " "
                    + m.description)
        .toList();
  }

  /** The schema version the database is at, or {@code null} for an empty database. */
  public static String currentVersion(DataSource dataSource) {
    var current = flyway(dataSource).info().current();
    return current == null ? null : current.getVersion().getVersion();
  }

  /**
   * The migrations Flyway would apply now, as "version description" (repeatable ones by
   * description), asked of Flyway.
   */
  public static List<String> pending(DataSource dataSource) {
    return java.util.Arrays.stream(flyway(dataSource).info().pending())
        .map(m -> (m.getVersion() == null ? "" : m.getVersion() + " ") + m.getDescription())
        .toList();
  }

  private static Flyway flyway(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations(LOCATION)
        // A database edited by hand must fail loudly rather than be "repaired" silently.
        .validateOnMigrate(true)
        .cleanDisabled(true)
        .load();
  }
}
