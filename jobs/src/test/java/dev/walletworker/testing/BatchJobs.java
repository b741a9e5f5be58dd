package dev.walletworker.testing;

import dev.walletworker.db.Database;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Runs the batch jobs of {@code jobs/} in a plain Spring context on the test database, with a clock
 * the test controls: no Boot, no scheduler.
 */
public final class BatchJobs implements AutoCloseable {

  private final AnnotationConfigApplicationContext context;

  public BatchJobs(TestDatabase db, Clock clock, Class<?>... jobConfigurations) {
    this(db, clock, List.of(), jobConfigurations);
  }

  /** With {@code beans} (settings, collaborators) registered as singletons. */
  @SuppressWarnings("unchecked")
  public BatchJobs(
      TestDatabase db, Clock clock, List<Object> beans, Class<?>... jobConfigurations) {
    context = new AnnotationConfigApplicationContext();
    for (Object bean : beans) {
      context.registerBean((Class<Object>) bean.getClass(), () -> bean);
    }
    // Wrapped so that closing this context leaves the shared test pool open.
    context.registerBean(
        "dataSource", DataSource.class, () -> new DelegatingDataSource(db.dataSource()));
    context.registerBean(
        "transactionManager",
        PlatformTransactionManager.class,
        () -> db.database().transactionManager());
    context.registerBean(Database.class, db::database);
    context.registerBean(Clock.class, () -> clock);
    context.register(Infrastructure.class);
    context.register(jobConfigurations);
    context.refresh();
  }

  /** Runs {@code jobName} once, synchronously, as a new instance. */
  public JobExecution run(String jobName) {
    try {
      return context
          .getBean(JobOperator.class)
          .start(
              context.getBeansOfType(Job.class).values().stream()
                  .filter(job -> job.getName().equals(jobName))
                  .findFirst()
                  .orElseThrow(),
              new JobParametersBuilder()
                  .addString("run.id", UUID.randomUUID().toString())
                  .toJobParameters());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  @EnableJdbcJobRepository
  static class Infrastructure {
    @Bean
    static org.springframework.context.support.PropertySourcesPlaceholderConfigurer placeholders() {
      return new org.springframework.context.support.PropertySourcesPlaceholderConfigurer();
    }
  }
}
