package dev.walletworker.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.DomainConfiguration;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.db.DatabaseConfiguration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The schedules read from Quartz's tables are what Quartz itself answers. */
class StoredSchedulesIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void eachScheduleReadsAsQuartzReadsIt() throws Exception {
    try (ConfigurableApplicationContext context = scheduler()) {
      JobControl control = context.getBean(JobControl.class);
      Scheduler quartz = context.getBean(Scheduler.class);
      StoredSchedules stored = new StoredSchedules(db.dataSource());
      assertThat(stored.byJob()).as("before any daemon registered them").isEmpty();

      control.registerSchedules();
      control.pause("mail-dispatch");

      Map<String, StoredSchedules.StoredSchedule> schedules = stored.byJob();
      assertThat(schedules.keySet()).isEqualTo(WalletJobs.NAMES);
      for (WalletJobs.WalletJob job : control.jobs().all()) {
        Trigger trigger = quartz.getTrigger(JobControl.cronKey(job.name()));
        StoredSchedules.StoredSchedule schedule = schedules.get(job.name());
        assertThat(schedule.cron()).isEqualTo(((CronTrigger) trigger).getCronExpression());
        assertThat(schedule.paused()).isEqualTo(control.isPaused(job.name()));
        assertThat(schedule.nextRun())
            .isEqualTo(
                trigger.getNextFireTime() == null
                    ? null
                    : Instant.ofEpochMilli(trigger.getNextFireTime().getTime()));
      }
      assertThat(schedules.get("mail-dispatch").paused()).isTrue();
      assertThat(schedules.get("auto-topup").paused()).isFalse();
    }
  }

  private static ConfigurableApplicationContext scheduler() {
    SpringApplication app = new SpringApplication(StoreOnly.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    return app.run(
        "--wallet.database.url=" + db.jdbcUrl(),
        "--wallet.database.username=" + db.username(),
        "--wallet.database.password=" + db.password());
  }

  /** The scheduler's store, never started: what the job commands open. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(WorkerProperties.class)
  @Import({DatabaseConfiguration.class, DomainConfiguration.class, SchedulerConfiguration.class})
  static class StoreOnly {}
}
