package dev.walletworker.db;

import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one PostgreSQL database everything lives in, with the transaction manager that the ledger,
 * the jobs and Spring Batch share (so a chunk's writes and its ledger postings commit together).
 */
public final class Database {

  private final DataSource dataSource;
  private final PlatformTransactionManager transactionManager;
  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public Database(DataSource dataSource, PlatformTransactionManager transactionManager) {
    this.dataSource = dataSource;
    this.transactionManager = transactionManager;
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(transactionManager);
  }

  public static Database of(DataSource dataSource) {
    return new Database(dataSource, new DataSourceTransactionManager(dataSource));
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public PlatformTransactionManager transactionManager() {
    return transactionManager;
  }

  public JdbcClient jdbc() {
    return jdbc;
  }

  /**
   * Runs {@code work} in a transaction (joining the caller's, if any); rolls back on any exception.
   */
  public <T> T inTransaction(Supplier<T> work) {
    return transactions.execute(status -> work.get());
  }
}
