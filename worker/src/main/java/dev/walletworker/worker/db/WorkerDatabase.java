package dev.walletworker.worker.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.walletworker.db.Database;
import dev.walletworker.migrations.Migrations;
import dev.walletworker.migrations.SchemaHistory;
import dev.walletworker.worker.WorkerProperties;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of one worker process: external when {@code DATABASE_URL} is set, else the embedded
 * server (started, or joined when another process runs it); a connection pool; and a schema that is
 * current before anything uses it. The daemon and every CLI command open it this one way.
 */
public final class WorkerDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WorkerDatabase.class);

  private final EmbeddedPostgresServer server;
  private final HikariDataSource pool;
  private final Database database;

  private WorkerDatabase(EmbeddedPostgresServer server, HikariDataSource pool) {
    this.server = server;
    this.pool = pool;
    this.database = Database.of(pool);
  }

  /** For the daemon: a full pool, kept full. */
  public static WorkerDatabase forDaemon(WorkerProperties.Database settings) {
    return open(settings, false, true);
  }

  /**
   * For a CLI command, which ends in moments: it opens connections only as it needs them (the
   * daemon keeps its pool full).
   */
  public static WorkerDatabase forCommand(WorkerProperties.Database settings) {
    return open(settings, true, true);
  }

  /** For {@code migrate}: the schema is left as it is, for Flyway to bring up to date. */
  public static WorkerDatabase forMigration(WorkerProperties.Database settings) {
    return open(settings, true, false);
  }

  private static WorkerDatabase open(
      WorkerProperties.Database settings, boolean command, boolean prepareSchema) {
    EmbeddedPostgresServer server = null;
    String url = settings.url();
    String username = settings.username();
    String password = settings.password();
    if (settings.isEmbedded()) {
      server =
          EmbeddedPostgresServer.startOrJoin(
              settings.embedded().dataDir(), settings.embedded().port());
      url = server.jdbcUrl();
      username = EmbeddedPostgresServer.USER;
      password = "";
    }
    try {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(username);
      config.setPassword(password);
      config.setMaximumPoolSize(settings.poolSize());
      if (command) {
        config.setMinimumIdle(1);
      }
      config.setConnectionTimeout(settings.connectTimeout().toMillis());
      config.setPoolName("wallet-db");
      HikariDataSource pool = new HikariDataSource(config);
      try {
        if (prepareSchema) {
          prepareSchema(pool, settings.migrateOnStart());
        }
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
      return new WorkerDatabase(server, pool);
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      throw e;
    }
  }

  /**
   * Brings the schema up to date, or refuses when it is behind and migrating at start is off. The
   * usual case, a current schema, costs one query: Flyway itself starts only when there is
   * something to apply or to report.
   */
  private static void prepareSchema(DataSource dataSource, boolean migrateOnStart) {
    if (SchemaHistory.isCurrent(dataSource)) {
      return;
    }
    if (migrateOnStart) {
      List<String> applied = Migrations.migrate(dataSource);
      if (!applied.isEmpty()) {
        log.info("migrations applied: {}", applied);
      }
      return;
    }
    List<String> pending = Migrations.pending(dataSource);
    if (!pending.isEmpty()) {
      throw new IllegalStateException(
          "the database schema is behind this worker (pending: "
              + String.join(", ", pending)
              + "); run bin/worker migrate, or set DATABASE_MIGRATE_ON_START=true");
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  /** The database with its transaction manager, as the domain services take it. */
  public Database database() {
    return database;
  }

  /** Closes the pool, then stops the embedded server if this process started it. */
  @Override
  public void close() {
    pool.close();
    if (server != null) {
      server.close();
    }
  }
}
