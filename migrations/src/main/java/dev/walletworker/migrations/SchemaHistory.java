package dev.walletworker.migrations;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Flyway's history table, read without Flyway. Kept apart from {@link Migrations} so that a process
 * whose schema is current never loads Flyway at all.
 */
public final class SchemaHistory {

  private SchemaHistory() {}

  /**
   * Whether the database has exactly the migrations on the classpath applied, unchanged, and
   * nothing else: then {@link Migrations#migrate} would do nothing. Answered with one query and
   * without Flyway, so that a process can skip Flyway's start-up on every run. False whenever it
   * cannot tell (no history yet, a failed or foreign entry, a script it does not understand): the
   * caller then asks Flyway, which decides as always.
   */
  public static boolean isCurrent(DataSource dataSource) {
    MigrationScripts scripts = MigrationScripts.onClasspath(SchemaHistory.class.getClassLoader());
    if (scripts == null) {
      return false;
    }
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet exists =
          statement.executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
        if (!exists.next() || !exists.getBoolean(1)) {
          return false;
        }
      }
      Set<String> applied = new HashSet<>();
      Map<String, Integer> repeatable = new HashMap<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT version, script, checksum, type, success FROM flyway_schema_history"
                  + " ORDER BY installed_rank")) {
        while (rows.next()) {
          String script = rows.getString("script");
          int checksum = rows.getInt("checksum");
          boolean sql = "SQL".equals(rows.getString("type")) && !rows.wasNull();
          if (!rows.getBoolean("success") || !sql) {
            return false;
          }
          if (rows.getString("version") != null) {
            Integer local = scripts.versioned.get(script);
            if (local == null || local != checksum || !applied.add(script)) {
              return false;
            }
          } else {
            // Re-applied whenever it changes: the latest entry is the one in force.
            repeatable.put(script, checksum);
          }
        }
      }
      return applied.equals(scripts.versioned.keySet()) && repeatable.equals(scripts.repeatable);
    } catch (SQLException e) {
      return false;
    }
  }
}
