package dev.walletworker.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.walletworker.testing.TestDatabase;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * "Is the schema current?" answered without Flyway must agree with Flyway: yes only when migrating
 * would do nothing, no (so that Flyway decides) whenever anything differs.
 */
class SchemaHistoryIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void aDatabaseFlywayMigratedIsCurrent() {
    // Flyway wrote the checksums of the shared test database: equal means computed as Flyway does.
    assertThat(SchemaHistory.isCurrent(db.dataSource())).isTrue();
    assertThat(Migrations.pending(db.dataSource())).isEmpty();
  }

  @Test
  void anEmptyDatabaseIsNotCurrentUntilMigrated() {
    inScratchDatabase(
        empty -> {
          assertThat(SchemaHistory.isCurrent(empty)).isFalse();
          assertThat(Migrations.pending(empty)).isNotEmpty();

          Migrations.migrate(empty);

          assertThat(SchemaHistory.isCurrent(empty)).isTrue();
        });
  }

  @Test
  void aMissingChangedFailedOrForeignEntryIsNotCurrent() {
    inScratchDatabase(
        scratch -> {
          Migrations.migrate(scratch);
          JdbcClient sql = JdbcClient.create(scratch);
          String latest =
              sql.sql(
                      "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                          + " ORDER BY installed_rank DESC LIMIT 1")
                  .query(String.class)
                  .single();

          sql.sql("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'")
              .update();
          assertThat(SchemaHistory.isCurrent(scratch)).as("a changed script").isFalse();
          sql.sql("UPDATE flyway_schema_history SET checksum = checksum - 1 WHERE version = '1'")
              .update();
          assertThat(SchemaHistory.isCurrent(scratch)).isTrue();

          sql.sql("UPDATE flyway_schema_history SET success = false WHERE version = ?")
              .param(latest)
              .update();
          assertThat(SchemaHistory.isCurrent(scratch)).as("a failed migration").isFalse();
          sql.sql("UPDATE flyway_schema_history SET success = true WHERE version = ?")
              .param(latest)
              .update();

          sql.sql(
                  "INSERT INTO flyway_schema_history (installed_rank, version, description, type,"
                      + " script, checksum, installed_by, execution_time, success)"
                      + " SELECT max(installed_rank) + 1, '9999', 'from a newer worker', 'SQL',"
                      + " 'V9999__from_a_newer_worker.sql', 1, 'test', 0, true"
                      + " FROM flyway_schema_history")
              .update();
          assertThat(SchemaHistory.isCurrent(scratch))
              .as("a migration not on the classpath")
              .isFalse();
          sql.sql("DELETE FROM flyway_schema_history WHERE version = '9999'").update();

          sql.sql("DELETE FROM flyway_schema_history WHERE version = ?").param(latest).update();
          assertThat(SchemaHistory.isCurrent(scratch)).as("a pending migration").isFalse();
          assertThat(Migrations.pending(scratch)).hasSize(1);
        });
  }

  private static void inScratchDatabase(Consumer<HikariDataSource> test) {
    String name = "schema_history_" + ProcessHandle.current().pid();
    db.jdbc().sql("DROP DATABASE IF EXISTS " + name).update();
    db.jdbc().sql("CREATE DATABASE " + name).update();
    try (HikariDataSource scratch = new HikariDataSource()) {
      scratch.setJdbcUrl(db.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
      scratch.setUsername(db.username());
      scratch.setPassword(db.password());
      test.accept(scratch);
    } finally {
      db.jdbc().sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").update();
    }
  }
}
