package dev.walletworker.worker.mail;

import dev.walletworker.mail.MailComposer;
import dev.walletworker.mail.MailRenderer;
import dev.walletworker.mail.MailSettings;
import dev.walletworker.worker.WorkerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Email: settings from configuration, the template renderer and the MIME composer. */
@Configuration(proxyBeanMethods = false)
public class MailConfiguration {

  @Bean
  MailSettings mailSettings(WorkerProperties properties) {
    return settings(properties);
  }

  /** The mail settings of {@code properties}; also for the CLI, which has no beans. */
  public static MailSettings settings(WorkerProperties properties) {
    return properties.mail();
  }

  @Bean
  MailRenderer mailRenderer(MailSettings settings) {
    return renderer(settings);
  }

  /** Fails the start with a clear message when MAIL_FROM or MAIL_REPLY_TO is not an address. */
  @Bean
  MailComposer mailComposer(MailRenderer renderer, MailSettings settings) {
    return composer(renderer, settings);
  }

  public static MailRenderer renderer(MailSettings settings) {
    return new MailRenderer(settings.dashboardUrl());
  }

  /** Throws, naming the setting, when MAIL_FROM or MAIL_REPLY_TO is not an address. */
  public static MailComposer composer(MailRenderer renderer, MailSettings settings) {
    return new MailComposer(renderer, settings.from(), settings.replyTo());
  }
}
