package dev.walletworker.worker.db;

import dev.walletworker.db.Database;
import dev.walletworker.worker.WorkerProperties;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The process's {@link WorkerDatabase} as beans: the data source and its transaction manager. */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

  @Bean(destroyMethod = "close")
  WorkerDatabase workerDatabase(WorkerProperties properties) {
    return WorkerDatabase.forDaemon(properties.database());
  }

  /** Closed with {@link WorkerDatabase}, which owns it. */
  @Bean(destroyMethod = "")
  DataSource dataSource(WorkerDatabase database) {
    return database.dataSource();
  }

  @Bean
  PlatformTransactionManager transactionManager(WorkerDatabase database) {
    return database.database().transactionManager();
  }

  @Bean
  Database database(WorkerDatabase database) {
    return database.database();
  }
}
