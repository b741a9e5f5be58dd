package dev.walletworker.worker.scheduling;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@value JobControl#CHANNEL}: the wallet trigger NOTIFYs the job to run when a wallet
 * crosses a threshold, so the job runs within moments instead of at its next cron tick. Bursts
 * coalesce into one queued run per job. A job whose work comes due at known times (hold-expiry, see
 * {@link TimedWakeUps}) is not run: its timed run moves to the next due time. The cron schedule
 * stays the safety net: a notification lost while the listener was disconnected costs latency,
 * never an item. After a reconnect every job is dispatched once (queued, or its timed run moved),
 * since notifications sent meanwhile are gone.
 */
final class WakeUpListener implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(WakeUpListener.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final JobControl control;
  private final TimedWakeUps timed;
  private final Scheduler scheduler;
  private final Duration coalesce;
  private final Duration reconnectDelay;
  private volatile boolean running;
  private volatile boolean connected;
  private Thread thread;

  WakeUpListener(
      DataSource dataSource,
      JobControl control,
      TimedWakeUps timed,
      Scheduler scheduler,
      Duration coalesce,
      Duration reconnectDelay) {
    this.dataSource = dataSource;
    this.control = control;
    this.timed = timed;
    this.scheduler = scheduler;
    this.coalesce = coalesce;
    this.reconnectDelay = reconnectDelay;
  }

  synchronized void start() {
    running = true;
    thread = new Thread(this, "wakeup-listener");
    thread.setDaemon(true);
    thread.start();
  }

  synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  boolean isConnected() {
    return connected;
  }

  @Override
  public void run() {
    Duration backoff = reconnectDelay;
    boolean reconnecting = false;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        PGConnection pg = connection.unwrap(PGConnection.class);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + JobControl.CHANNEL);
        }
        connected = true;
        backoff = reconnectDelay;
        if (reconnecting) {
          log.info("wake-up listener reconnected; queueing every job once");
          dispatch(
              Set.copyOf(control.jobs().all().stream().map(WalletJobs.WalletJob::name).toList()));
        } else {
          log.info("wake-up listener started channel={}", JobControl.CHANNEL);
        }
        while (running) {
          PGNotification[] first = pg.getNotifications(1000);
          if (first == null || first.length == 0) {
            continue;
          }
          Set<String> names = new LinkedHashSet<>();
          add(names, first);
          // Gather the rest of the burst: one run per job for all of it.
          long until = System.nanoTime() + coalesce.toNanos();
          long left;
          while ((left = until - System.nanoTime()) > 0) {
            add(names, pg.getNotifications((int) Math.max(1, left / 1_000_000)));
          }
          dispatch(names);
        }
      } catch (SQLException e) {
        connected = false;
        if (!running) {
          break;
        }
        log.warn(
            "wake-up listener lost the database ({}); reconnecting in {} ms; cron runs continue",
            e.getMessage(),
            backoff.toMillis());
        reconnecting = true;
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
    connected = false;
  }

  private static void add(Set<String> names, PGNotification[] notifications) {
    if (notifications != null) {
      for (PGNotification notification : notifications) {
        names.add(notification.getParameter());
      }
    }
  }

  private void dispatch(Set<String> names) {
    for (String name : names) {
      try {
        if (JobControl.POKE.equals(name)) {
          // A CLI queued a run in the store. Resuming a trigger that does not exist changes
          // nothing but wakes this scheduler's thread to look at the store now.
          scheduler.resumeTrigger(TriggerKey.triggerKey("poke", "wallet"));
        } else if (!control.jobs().contains(name)) {
          continue;
        } else if (timed.timed(name)) {
          // Work that comes due at a known time (a new hold's expiry): the timed run moves to
          // it, the job does not run now (see TimedWakeUps).
          java.util.Optional<java.time.Instant> at = timed.next(name);
          if (at.isPresent() && control.runAt(name, at.get())) {
            log.debug("timed run moved job={} at={}", name, at.get());
          }
        } else if (control.queueWakeUp(name)) {
          log.debug("wake-up queued job={}", name);
        }
      } catch (SchedulerException | RuntimeException e) {
        // A store or database error (a pool timeout reading the next expiry) costs this wake-up,
        // never the listener: it goes on for the next ones.
        log.warn(
            "wake-up for job={} not queued: {}; its cron run will pick the work up",
            name,
            e.getMessage());
      }
    }
  }
}
