package dev.walletworker.worker.cli;

import dev.walletworker.worker.DomainConfiguration;
import dev.walletworker.worker.WorkerProperties;
import dev.walletworker.worker.db.DatabaseConfiguration;
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
 * What every CLI command shares: where to print, and how to open the application (configuration,
 * database, domain services) once its arguments are known to be valid.
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

  ConfigurableApplicationContext open(boolean migrateOnStart) {
    SpringApplication app = new SpringApplication(CliApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    List<String> args = new ArrayList<>();
    // A CLI command's stdout is its answer; keep the logs on stderr down to warnings.
    args.add("--logging.level.root=WARN");
    args.add("--logging.level.dev.walletworker=WARN");
    if (!migrateOnStart) {
      args.add("--wallet.database.migrate-on-start=false");
    }
    overrides.forEach((key, value) -> args.add("--" + key + "=" + value));
    return app.run(args.toArray(String[]::new));
  }

  /** The part of the application a CLI command needs: no scheduler, no HTTP. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(WorkerProperties.class)
  @Import({DatabaseConfiguration.class, DomainConfiguration.class})
  static class CliApplication {}
}
