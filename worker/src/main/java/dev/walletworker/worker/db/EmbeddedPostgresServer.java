package dev.walletworker.worker.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the worker runs when no {@code DATABASE_URL} is given: its data stays under {@code
 * var/} so the next run sees it. A process that finds the server already running on the same data
 * (a daemon, while ops run CLI commands) connects to it; only the process that started it stops it.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  static final String USER = "postgres";

  private final int port;
  private final EmbeddedPostgres owned;

  private EmbeddedPostgresServer(int port, EmbeddedPostgres owned) {
    this.port = port;
    this.owned = owned;
  }

  static EmbeddedPostgresServer startOrJoin(Path dataDir, int port) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir.getParent());
      // Serialise "is it running? then start it" between processes started at the same moment.
      try (FileChannel channel =
              FileChannel.open(
                  dir.resolveSibling(dir.getFileName() + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        String running = dataDirectoryOfServerOn(port);
        if (running != null) {
          if (!Path.of(running).toRealPath().equals(dir.toRealPath())) {
            throw new IllegalStateException(
                "port "
                    + port
                    + " is taken by another PostgreSQL (data in "
                    + running
                    + "); set EMBEDDED_DB_PORT to a free port");
          }
          log.info("embedded database joined port={} data={}", port, dir);
          return new EmbeddedPostgresServer(port, null);
        }
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .start();
        log.info("embedded database started port={} data={}", port, dir);
        return new EmbeddedPostgresServer(port, pg);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL in " + dir + " on port " + port, e);
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** The data directory of the PostgreSQL answering on {@code port}, or null if none answers. */
  private static String dataDirectoryOfServerOn(int port) {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=2", USER, "");
        var rs = c.createStatement().executeQuery("SHOW data_directory")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException notRunning) {
      return null;
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      try {
        owned.close();
        log.info("embedded database stopped port={}", port);
      } catch (IOException e) {
        log.warn("embedded database did not stop cleanly port={}: {}", port, e.toString());
      }
    }
  }
}
