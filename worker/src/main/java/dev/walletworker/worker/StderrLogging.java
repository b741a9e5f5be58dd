package dev.walletworker.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.logging.logback.ColorConverter;
import org.springframework.boot.logging.logback.EnclosedInSquareBracketsConverter;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * Logging before Spring Boot sets it up, which for a CLI command is all along: what {@code
 * logback.xml} says (Spring Boot's console format, on stderr, library chatter at WARN), set up in
 * code. Reading {@code logback.xml} and Boot's {@code defaults.xml} took about a tenth of a
 * command's time. Spring Boot, where it starts (the daemon), configures from {@code logback.xml} as
 * before; a test checks that both write the same lines. Where a {@code logback-test.xml} exists
 * (the tests), it is left to logback.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class StderrLogging extends ContextAwareBase implements Configurator {

  /** Spring Boot's console pattern ({@code CONSOLE_LOG_PATTERN} of its defaults.xml). */
  static final String PATTERN =
      "%clr(%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}){faint} %clr(%5p){} %clr(${PID}){magenta}"
          + " %clr(--- %esb(){APPLICATION_NAME}%esb{APPLICATION_GROUP}[%15.15t] ){faint}"
          + "%clr(%-40.40logger{39}){cyan} %clr(:){faint} %m%n%wEx";

  /** The loggers logback.xml quietens. */
  static final Map<String, Level> LEVELS =
      Map.of(
          "io.zonky", Level.WARN,
          "dev.walletworker.stripe.emulator", Level.WARN,
          "com.icegreen", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (StderrLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    configureStderr(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void configureStderr(LoggerContext context) {
    Map<String, Supplier<DynamicConverter<?>>> rules = new HashMap<>();
    rules.put("clr", ColorConverter::new);
    rules.put("esb", EnclosedInSquareBracketsConverter::new);
    rules.put("wEx", ExtendedWhitespaceThrowableProxyConverter::new);
    context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN.replace("${PID}", Long.toString(ProcessHandle.current().pid())));
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
  }
}
