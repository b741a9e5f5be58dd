package dev.walletworker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The logging set up in code writes what logback.xml, as Spring Boot reads it, writes. */
class StderrLoggingTest {

  @Test
  void linesAreTheSameAsLogbackXmls() throws Exception {
    String pid = Long.toString(ProcessHandle.current().pid());
    System.setProperty("PID", pid); // as Spring Boot sets it before it reads logback.xml
    LoggerContext fromXml = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(fromXml);
    joran.doConfigure(getClass().getClassLoader().getResource("logback.xml"));
    LoggerContext inCode = new LoggerContext();
    StderrLogging.configureStderr(inCode);

    for (Throwable error : new Throwable[] {null, new IllegalStateException("boom")}) {
      assertThat(line(inCode, error)).isEqualTo(line(fromXml, error)).contains(pid, " WARN ");
    }
    for (LoggerContext context : new LoggerContext[] {fromXml, inCode}) {
      assertThat(context.getLogger("io.zonky").getLevel()).isEqualTo(Level.WARN);
      assertThat(context.getLogger("com.icegreen").getLevel()).isEqualTo(Level.WARN);
      assertThat(context.getLogger("dev.walletworker.stripe.emulator").getLevel())
          .isEqualTo(Level.WARN);
      assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel())
          .isEqualTo(Level.INFO);
    }
  }

  private static String line(LoggerContext context, Throwable error) {
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<ILoggingEvent> stderr =
        (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    LoggingEvent event =
        new LoggingEvent(
            StderrLoggingTest.class.getName(),
            context.getLogger("dev.walletworker.account.Accounts"),
            Level.WARN,
            "account blocked account={}",
            error,
            new Object[] {"acct_0123456789abcdef"});
    event.setTimeStamp(1_790_000_000_123L);
    event.setThreadName("main");
    return new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
  }
}
