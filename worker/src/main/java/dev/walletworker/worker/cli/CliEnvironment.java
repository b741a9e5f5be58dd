package dev.walletworker.worker.cli;

import dev.walletworker.worker.DaemonApplication;
import dev.walletworker.worker.DomainConfiguration;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.db.DatabaseConfiguration;
import dev.walletworker.worker.scheduling.SchedulerConfiguration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What every CLI command shares: where to print, and how to open what the command works with
 * (settings, database, domain services) once its arguments are known to be valid.
 */
public final class CliEnvironment {

  final PrintStream out;
  final PrintStream err;
  private final Map<String, String> overrides;

  /**
   * @param overrides configuration that wins over {@code application.yml} and the environment
   *     (tests point the CLI at their database this way)
   */
  public CliEnvironment(PrintStream out, PrintStream err, Map<String, String> overrides) {
    this.out = out;
    this.err = err;
    this.overrides = overrides;
  }

  /** What a command works with; each part opens when the command first asks for it. */
  CliContext context() {
    List<String> args = new ArrayList<>();
    // A CLI command's stdout is its answer; keep the logs on stderr down to warnings.
    args.add("--logging.level.root=WARN");
    args.add("--logging.level.dev.walletworker=WARN");
    // A command that cannot start says why in its one error line; Spring's own report of the same
    // failure (a stack trace, a failure analysis) would bury it.
    args.add("--logging.level.org.springframework.boot.SpringApplication=OFF");
    args.add("--logging.level.org.springframework.boot.diagnostics=OFF");
    args.add("--logging.level.org.springframework.context=ERROR");
    overrides.forEach((key, value) -> args.add("--" + key + "=" + value));
    return new CliContext(args, CliEnvironment::openJobsContext);
  }

  /** The Spring context of the commands that drive the scheduler: its store and the batch jobs. */
  private static ConfigurableApplicationContext openJobsContext(List<String> args) {
    SpringApplication app = new SpringApplication(JobsCliApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    return app.run(args.toArray(String[]::new));
  }

  /** Starts the daemon: web server, actuator, scheduler; logs at the configured levels. */
  ConfigurableApplicationContext openDaemon() {
    SpringApplication app = new SpringApplication(DaemonApplication.class);
    app.setBannerMode(Banner.Mode.OFF);
    // run handles SIGTERM itself, to drain and exit 0.
    app.setRegisterShutdownHook(false);
    List<String> args = new ArrayList<>();
    overrides.forEach((key, value) -> args.add("--" + key + "=" + value));
    return app.run(args.toArray(String[]::new));
  }

  /** Job commands: the scheduler's store (never started here) and the batch jobs. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(WorkerProperties.class)
  @Import({DatabaseConfiguration.class, DomainConfiguration.class, SchedulerConfiguration.class})
  static class JobsCliApplication {}
}
