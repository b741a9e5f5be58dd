package dev.walletworker.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.holds.HoldExpiryJobConfiguration;
import dev.walletworker.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The timed run of hold-expiry, moved by every daemon's wake-up listener and by the job's own runs
 * at once: the soonest time wins and no call fails.
 */
class TimedRunIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String JOB = HoldExpiryJobConfiguration.JOB_NAME;

  @Test
  void manyMovesAtOnceLeaveTheSoonestAndNoneFails() throws Exception {
    SpringApplication app = new SpringApplication(StoredSchedulesIntegrationTest.StoreOnly.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    try (ConfigurableApplicationContext context =
        app.run(
            "--wallet.database.url=" + db.jdbcUrl(),
            "--wallet.database.username=" + db.username(),
            "--wallet.database.password=" + db.password())) {
      JobControl control = context.getBean(JobControl.class);
      Scheduler quartz = context.getBean(Scheduler.class);
      control.registerSchedules();
      Instant base = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

      for (int round = 0; round < 5; round++) {
        quartz.unscheduleJob(TriggerKey.triggerKey("timed." + JOB, JobControl.GROUP));
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> moves = new ArrayList<>();
        Instant soonest = base.plusSeconds(100L * round);
        for (int t = 0; t < threads; t++) {
          // Thread 0 asks for the soonest time, the others for later ones.
          Instant at = soonest.plusSeconds(t * 7L);
          moves.add(
              pool.submit(
                  () -> {
                    start.await();
                    return control.runAt(JOB, at);
                  }));
        }
        for (Future<Boolean> move : moves) {
          move.get(); // a failed move (a trigger created twice) throws here
        }
        pool.shutdown();
        Trigger timed = quartz.getTrigger(TriggerKey.triggerKey("timed." + JOB, JobControl.GROUP));
        assertThat(timed.getNextFireTime().toInstant()).as("round " + round).isEqualTo(soonest);
      }
    }
  }
}
