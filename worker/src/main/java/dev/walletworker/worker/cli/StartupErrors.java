package dev.walletworker.worker.cli;

import java.util.Locale;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;

/**
 * One line that tells an operator what is wrong when a command or the daemon cannot start: which
 * setting, from which file, and why — not Spring's wrappers around it.
 */
final class StartupErrors {

  private StartupErrors() {}

  static String describe(Throwable error) {
    // The first cause below Spring's wrappers says what is wrong in our words (e.g. which setting
    // is invalid); the deepest one is often a library's detail.
    Throwable root = error;
    while (root.getCause() != null
        && root.getCause() != root
        && root.getClass().getName().startsWith("org.springframework.")) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    BindException bind = find(error, BindException.class);
    if (bind != null && bind.getProperty() != null) {
      return "invalid setting " + setting(bind.getProperty()) + ": " + message;
    }
    if (root.getClass().getName().startsWith("org.yaml.")) {
      // Boot does not say which file the parser was reading.
      return "a configuration file is not valid YAML (config/application.yml, or a file named by"
          + " SPRING_CONFIG_ADDITIONAL_LOCATION): "
          + message;
    }
    return message;
  }

  private static String setting(ConfigurationProperty property) {
    String name = property.getName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    // A value that failed to convert may still be a secret typed into the wrong place.
    boolean secret =
        lower.contains("password") || lower.contains("secret") || lower.contains("key");
    String value = secret ? "(hidden)" : "'" + property.getValue() + "'";
    String origin = property.getOrigin() == null ? "" : " from " + property.getOrigin();
    return name + " = " + value + origin;
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
