package dev.walletworker.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.walletworker.db.Database;
import dev.walletworker.migrations.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A real PostgreSQL for tests: one server per test JVM, migrated once, every table emptied before
 * each test. Embedded (zonky) by default; with {@code TEST_DATABASE_URL} set (for example {@code
 * jdbc:postgresql://127.0.0.1:5432/postgres}) a fresh database is created on that server instead
 * and dropped when the JVM exits.
 *
 * <pre>
 * {@literal @}RegisterExtension static final TestDatabase db = new TestDatabase();
 * </pre>
 */
public final class TestDatabase implements BeforeEachCallback {

  private static Server server;

  /** The shared server, started on first use. */
  public static synchronized Server server() {
    if (server == null) {
      server = Server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-database-stop"));
    }
    return server;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  /**
   * Empties every table but Flyway's history. The audit log refuses TRUNCATE by trigger: that
   * trigger is switched off for this one statement, in the same transaction (the tables' owner
   * may), so no other session ever sees it off.
   */
  public void reset() {
    Server s = server();
    s.database.inTransaction(
        () -> {
          JdbcClient jdbc = s.database.jdbc();
          jdbc.sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate").update();
          jdbc.sql("TRUNCATE " + String.join(", ", s.tables) + " RESTART IDENTITY CASCADE")
              .update();
          jdbc.sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate").update();
          return null;
        });
  }

  public DataSource dataSource() {
    return server().dataSource;
  }

  public Database database() {
    return server().database;
  }

  public JdbcClient jdbc() {
    return server().jdbc();
  }

  public String jdbcUrl() {
    return server().url;
  }

  public String username() {
    return server().username;
  }

  public String password() {
    return server().password;
  }

  /** One running PostgreSQL with the schema applied. */
  public static final class Server implements AutoCloseable {
    final String url;
    final String username;
    final String password;
    final HikariDataSource dataSource;
    final Database database;
    final List<String> tables;
    private final AutoCloseable owned;

    private Server(String url, String username, String password, AutoCloseable owned) {
      this.url = url;
      this.username = username;
      this.password = password;
      this.owned = owned;
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(username);
      config.setPassword(password);
      config.setMaximumPoolSize(40);
      config.setPoolName("test-db");
      this.dataSource = new HikariDataSource(config);
      Migrations.migrate(dataSource);
      this.database = Database.of(dataSource);
      this.tables =
          jdbc()
              .sql(
                  "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
                      // Quartz's lock rows are seeded by a migration, like Flyway's history.
                      + " AND tablename NOT IN ('flyway_schema_history', 'qrtz_locks')"
                      + " ORDER BY tablename")
              .query(String.class)
              .list();
    }

    JdbcClient jdbc() {
      return JdbcClient.create(dataSource);
    }

    static Server start() {
      String external = System.getenv("TEST_DATABASE_URL");
      if (external != null && !external.isBlank()) {
        return onExternalServer(external.strip());
      }
      try {
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                // Durability is not what tests measure; these make the suite several times faster.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "300")
                .start();
        return new Server(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", pg);
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
      }
    }

    private static Server onExternalServer(String adminUrl) {
      String user = envOr("TEST_DATABASE_USERNAME", "postgres");
      String password = envOr("TEST_DATABASE_PASSWORD", "");
      String name =
          "walletworker_test_"
              + ProcessHandle.current().pid()
              + "_"
              + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
      execute(adminUrl, user, password, "CREATE DATABASE " + name);
      String url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
      return new Server(
          url,
          user,
          password,
          () ->
              execute(
                  adminUrl, user, password, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    private static void execute(String url, String user, String password, String sql) {
      try (Connection c = DriverManager.getConnection(url, user, password)) {
        c.createStatement().execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("TEST_DATABASE_URL " + url + ": " + sql + " failed", e);
      }
    }

    private static String envOr(String name, String fallback) {
      String value = System.getenv(name);
      return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void close() {
      dataSource.close();
      try {
        owned.close();
      } catch (Exception e) {
        System.err.println("test database: could not stop cleanly: " + e);
      }
    }
  }
}
