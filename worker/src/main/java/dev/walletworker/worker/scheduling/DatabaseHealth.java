package dev.walletworker.worker.scheduling;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The database's health, answered within {@link #ANSWER_WITHIN}. Spring Boot's own check waits for
 * a pooled connection for as long as the pool's connect timeout (10 s), so with the database down a
 * readiness probe got no answer at all — and a load balancer asking with a shorter timeout than
 * that saw nothing instead of "not ready". One check runs at a time; while it hangs, the answer is
 * "down".
 */
final class DatabaseHealth implements HealthIndicator {

  static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private final ExecutorService checker =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "database-health");
            thread.setDaemon(true);
            return thread;
          });
  private Future<Boolean> running;

  DatabaseHealth(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public synchronized Health health() {
    if (running == null || running.isDone()) {
      running = checker.submit(this::valid);
    }
    try {
      return running.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
          ? Health.up().withDetail("database", "PostgreSQL").build()
          : Health.down().withDetail("error", "the connection is not valid").build();
    } catch (TimeoutException e) {
      return Health.down()
          .withDetail("error", "no connection within " + ANSWER_WITHIN.toMillis() + " ms")
          .build();
    } catch (Exception e) {
      return Health.down().withDetail("error", rootMessage(e)).build();
    }
  }

  private boolean valid() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(1);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
