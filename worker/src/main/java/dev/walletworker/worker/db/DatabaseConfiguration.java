package dev.walletworker.worker.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.walletworker.db.Database;
import dev.walletworker.migrations.Migrations;
import dev.walletworker.worker.WorkerProperties;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Picks the database (external when {@code DATABASE_URL} is set, embedded otherwise) and migrates
 * it.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

  private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

  /** Where to connect; owns the embedded server when there is one. */
  @Bean(destroyMethod = "close")
  DatabaseTarget databaseTarget(WorkerProperties properties) {
    WorkerProperties.Database db = properties.database();
    if (!db.isEmbedded()) {
      return new DatabaseTarget(db.url(), db.username(), db.password(), null);
    }
    EmbeddedPostgresServer server =
        EmbeddedPostgresServer.startOrJoin(db.embedded().dataDir(), db.embedded().port());
    return new DatabaseTarget(server.jdbcUrl(), EmbeddedPostgresServer.USER, "", server);
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(DatabaseTarget target, WorkerProperties properties) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(target.url());
    config.setUsername(target.username());
    config.setPassword(target.password());
    config.setMaximumPoolSize(properties.database().poolSize());
    config.setConnectionTimeout(properties.database().connectTimeout().toMillis());
    config.setPoolName("wallet-db");
    HikariDataSource dataSource = new HikariDataSource(config);
    if (properties.database().migrateOnStart()) {
      List<String> applied = Migrations.migrate(dataSource);
      if (!applied.isEmpty()) {
        log.info("migrations applied: {}", applied);
      }
    }
    return dataSource;
  }

  @Bean
  PlatformTransactionManager transactionManager(DataSource dataSource) {
    return new DataSourceTransactionManager(dataSource);
  }

  @Bean
  Database database(DataSource dataSource, PlatformTransactionManager transactionManager) {
    return new Database(dataSource, transactionManager);
  }

  /** A JDBC target; {@code server} is the embedded server this process started, if any. */
  record DatabaseTarget(String url, String username, String password, EmbeddedPostgresServer server)
      implements AutoCloseable {
    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }
  }
}
