package dev.walletworker.worker.process;

import static dev.walletworker.worker.process.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.Wallets;
import dev.walletworker.holds.Hold;
import dev.walletworker.holds.HoldStatus;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hold-expiry job runs at the next hold's expiry, with its cron schedule off: a hold that
 * expires sooner than every active one moves the job's timed run to its expiry (without running the
 * job before it); a later hold waits for its own time.
 */
class HoldExpiryProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final Clock clock = Clock.systemUTC();
  private final Holds holds = new Holds(db.database());
  private final HoldTransfers transfers =
      new HoldTransfers(
          db.database(),
          holds,
          new Wallets(db.database()),
          new ModelPrices(db.database(), clock),
          clock);

  @Test
  void holdsAreExpiredAtTheirTimeWithoutTheCron() throws Exception {
    String account =
        new Accounts(db.database(), clock).create("a@example.com", null, null).account().id();
    new Ledger(db.database(), clock)
        .credit(account, new BigDecimal("100"), TransactionType.REFUND, "opening", null);
    try (DaemonProcess daemon =
        DaemonProcess.start(
            "hold-expiry",
            db,
            Map.of(
                "SMTP_PORT",
                Integer.toString(DaemonProcess.freePort()),
                "HOLD_EXPIRY_CRON",
                "0 0 0 1 1 ? 2099"))) {
      long runsBefore = runs();
      Hold first = hold(account, "req-1", Duration.ofSeconds(4));
      Hold later = hold(account, "req-2", Duration.ofMinutes(5));
      Thread.sleep(2_000);
      assertThat(runs()).as("no run before the first hold is due").isEqualTo(runsBefore);

      await(
          "the first hold expired",
          () -> status(first) == HoldStatus.EXPIRED,
          Duration.ofSeconds(30),
          daemon);
      assertThat(
              Duration.between(first.expiresAt(), holds.find(first.id()).orElseThrow().settledAt()))
          .as("expired within a few seconds of its time")
          .isLessThan(Duration.ofSeconds(5));
      assertThat(status(later)).isEqualTo(HoldStatus.HELD);

      // Sooner than the one still held: its run moves to this hold's time.
      Hold sooner = hold(account, "req-3", Duration.ofSeconds(3));
      await(
          "the sooner hold expired",
          () -> status(sooner) == HoldStatus.EXPIRED,
          Duration.ofSeconds(30),
          daemon);
      assertThat(status(later)).isEqualTo(HoldStatus.HELD);
    }
  }

  private Hold hold(String account, String id, Duration expiresIn) {
    return transfers
        .hold(
            new HoldTransfers.NewHold(
                id, account, null, null, null, new BigDecimal("1.00"), expiresIn))
        .hold();
  }

  /** Runs of the hold-expiry job so far, from Spring Batch's history. */
  private long runs() {
    return db.jdbc()
        .sql(
            "SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i"
                + " ON i.job_instance_id = e.job_instance_id WHERE i.job_name = 'hold-expiry'")
        .query(Long.class)
        .single();
  }

  private HoldStatus status(Hold hold) {
    return holds.find(hold.id()).orElseThrow().status();
  }
}
