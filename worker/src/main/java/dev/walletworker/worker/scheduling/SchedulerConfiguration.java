package dev.walletworker.worker.scheduling;

import dev.walletworker.holds.Holds;
import dev.walletworker.worker.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.scheduling.quartz.SpringBeanJobFactory;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Quartz on a JDBC JobStore in the application's PostgreSQL, clustered: every daemon on the same
 * database is a member of one scheduler named {@value #SCHEDULER_NAME}. Created in standby; the
 * daemon starts it (a CLI process only uses it to queue, pause and inspect).
 */
@Configuration(proxyBeanMethods = false)
@Import(BatchConfiguration.class)
public class SchedulerConfiguration {

  public static final String SCHEDULER_NAME = "wallet-worker";

  @Bean
  TimedWakeUps timedWakeUps(Holds holds) {
    return new TimedWakeUps(holds);
  }

  @Bean
  RunningExecutions runningExecutions() {
    return new RunningExecutions();
  }

  @Bean
  WalletJobs walletJobs(
      List<Job> batchJobs, WorkerProperties properties, RunningExecutions running) {
    Map<String, Job> byName = new HashMap<>();
    for (Job job : batchJobs) {
      if (job instanceof AbstractJob tracked) {
        tracked.registerJobExecutionListener(running);
      }
      byName.put(job.getName(), job);
    }
    return WalletJobs.withBatchJobs(properties, byName);
  }

  @Bean
  JobRunner jobRunner(
      WalletJobs jobs,
      JobOperator jobOperator,
      JobRepository jobRepository,
      DataSource dataSource,
      ObjectProvider<MeterRegistry> metrics) {
    return new JobRunner(
        jobs,
        jobOperator,
        jobRepository,
        dataSource,
        metrics.getIfAvailable(SimpleMeterRegistry::new),
        RunnerId.of());
  }

  @Bean
  SchedulerFactoryBean scheduler(
      DataSource dataSource,
      PlatformTransactionManager transactionManager,
      WorkerProperties properties,
      org.springframework.context.ApplicationContext context) {
    WorkerProperties.Scheduler settings = properties.scheduler();
    Properties quartz = new Properties();
    quartz.setProperty("org.quartz.scheduler.instanceId", "AUTO");
    quartz.setProperty(
        "org.quartz.scheduler.idleWaitTime", Long.toString(settings.idleWait().toMillis()));
    quartz.setProperty("org.quartz.threadPool.threadCount", Integer.toString(settings.threads()));
    quartz.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    quartz.setProperty("org.quartz.jobStore.isClustered", "true");
    quartz.setProperty(
        "org.quartz.jobStore.clusterCheckinInterval",
        Long.toString(settings.clusterCheckin().toMillis()));
    quartz.setProperty(
        "org.quartz.jobStore.misfireThreshold",
        Long.toString(settings.misfireThreshold().toMillis()));
    // Trigger acquisition under the cluster lock: two daemons never fire the same trigger.
    quartz.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    quartz.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");

    SpringBeanJobFactory jobFactory = new SpringBeanJobFactory();
    jobFactory.setApplicationContext(context);

    SchedulerFactoryBean factory = new SchedulerFactoryBean();
    factory.setSchedulerName(SCHEDULER_NAME);
    factory.setDataSource(dataSource);
    factory.setTransactionManager(transactionManager);
    factory.setQuartzProperties(quartz);
    factory.setJobFactory(jobFactory);
    factory.setAutoStartup(false);
    // The daemon drains jobs itself on shutdown (bounded), before this bean is destroyed.
    factory.setWaitForJobsToCompleteOnShutdown(false);
    return factory;
  }

  @Bean
  JobHistory jobHistory(DataSource dataSource) {
    return new JobHistory(dataSource);
  }

  @Bean
  JobControl jobControl(
      org.quartz.Scheduler scheduler,
      WalletJobs jobs,
      DataSource dataSource,
      PlatformTransactionManager transactionManager,
      WorkerProperties properties) {
    return new JobControl(scheduler, jobs, dataSource, transactionManager, properties.timeZone());
  }
}
