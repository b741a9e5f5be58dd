package dev.walletworker.worker;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of the worker, bound from {@code config/application.yml} (prefix {@code wallet}).
 * Each key there maps to an environment variable; the README's configuration table lists them.
 *
 * @param database where the data lives
 */
@ConfigurationProperties("wallet")
public record WorkerProperties(@DefaultValue Database database) {

  /**
   * @param url JDBC URL of an external PostgreSQL ({@code DATABASE_URL}); blank starts the embedded
   *     one
   * @param username user for {@code url} ({@code DATABASE_USERNAME})
   * @param password password for {@code url} ({@code DATABASE_PASSWORD})
   * @param poolSize most connections this process opens
   * @param connectTimeout how long to wait for a connection before failing
   * @param migrateOnStart apply pending Flyway migrations when the process starts
   * @param embedded the embedded server used when {@code url} is blank
   */
  public record Database(
      String url,
      String username,
      String password,
      @DefaultValue("10") int poolSize,
      @DefaultValue("10s") Duration connectTimeout,
      @DefaultValue("true") boolean migrateOnStart,
      @DefaultValue Embedded embedded) {

    public boolean isEmbedded() {
      return url == null || url.isBlank();
    }
  }

  /**
   * @param dataDir where the embedded server keeps its data, relative to the working directory
   * @param port loopback port of the embedded server; a second process on the same data reuses it
   */
  public record Embedded(@DefaultValue("var/pg") Path dataDir, @DefaultValue("54329") int port) {}
}
