package dev.walletworker.worker.cli;

import dev.walletworker.worker.WorkerProperties;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.support.EnvironmentPostProcessorApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.ConfigurablePropertyResolver;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The worker's settings for a CLI command, read and checked as the daemon's are — the same files,
 * environment variables and overrides, read by Spring Boot's own environment post-processors, and
 * bound to {@link WorkerProperties} by Boot's binder (which runs its checks) — but without starting
 * an application context. Logging levels from the configuration are applied too.
 */
final class CliSettings {

  private static final Bindable<Map<String, LogLevel>> LEVELS =
      Bindable.mapOf(String.class, LogLevel.class);

  private CliSettings() {}

  /**
   * @param args {@code --key=value} arguments: they win over every file and variable, as a Spring
   *     Boot application's command-line arguments do
   */
  static WorkerProperties load(List<String> args) {
    ConfigurableEnvironment environment = environment(args);
    Binder binder = Binder.get(environment);
    applyLogLevels(binder);
    return binder.bindOrCreate("wallet", WorkerProperties.class);
  }

  /** What {@code SpringApplication.run} prepares before it creates a context. */
  private static ConfigurableEnvironment environment(List<String> args) {
    ConfigurableEnvironment environment = new CommandEnvironment();
    // The binder uses the shared instance too: one set of converters, registered once.
    environment.setConversionService(
        (ApplicationConversionService) ApplicationConversionService.getSharedInstance());
    String[] arguments = args.toArray(String[]::new);
    environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(arguments));
    ConfigurationPropertySources.attach(environment);
    SpringApplication application = new SpringApplication();
    application.setWebApplicationType(WebApplicationType.NONE);
    DefaultBootstrapContext bootstrap = new DefaultBootstrapContext();
    // Every EnvironmentPostProcessor Boot registers: config files (application.yml, the files
    // SPRING_CONFIG_ADDITIONAL_LOCATION names, profiles), SPRING_APPLICATION_JSON, random values,
    // environment variables with their origins.
    new EnvironmentPostProcessorApplicationListener()
        .onApplicationEvent(
            new ApplicationEnvironmentPreparedEvent(
                bootstrap, application, arguments, environment));
    return environment;
  }

  /** {@code logging.level.*}, as Boot's logging listener applies them. */
  private static void applyLogLevels(Binder binder) {
    Map<String, LogLevel> levels = binder.bind("logging.level", LEVELS).orElse(Map.of());
    if (levels.isEmpty()) {
      return;
    }
    LoggingSystem logging = LoggingSystem.get(CliSettings.class.getClassLoader());
    levels.forEach(
        (name, level) ->
            logging.setLogLevel(
                name.equalsIgnoreCase(LoggingSystem.ROOT_LOGGER_NAME)
                    ? LoggingSystem.ROOT_LOGGER_NAME
                    : name,
                level));
  }

  /**
   * Boot's environment of a non-web application (its {@code ApplicationEnvironment} is not public):
   * profiles come from the config data, and property resolution understands relaxed names.
   */
  private static final class CommandEnvironment extends StandardEnvironment {
    @Override
    protected String doGetActiveProfilesProperty() {
      return null;
    }

    @Override
    protected String doGetDefaultProfilesProperty() {
      return null;
    }

    @Override
    protected ConfigurablePropertyResolver createPropertyResolver(
        MutablePropertySources propertySources) {
      return ConfigurationPropertySources.createPropertyResolver(propertySources);
    }
  }
}
