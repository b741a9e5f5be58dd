package dev.walletworker.mail;

import java.time.Duration;

/**
 * How mail is sent. The worker's configuration record ({@code WorkerProperties.Mail}, bound from
 * {@code wallet.mail.*}) implements it, so each setting and its default are declared once, there.
 */
public interface MailSettings {

  /** SMTP server. */
  String host();

  /** SMTP port. */
  int port();

  /** SMTP user, or blank for no authentication. */
  String username();

  /** SMTP password. */
  String password();

  /** Require STARTTLS. */
  boolean startTls();

  /** The From address, e.g. {@code Wallet <billing@example.com>}. */
  String from();

  /** The Reply-To address, or blank. */
  String replyTo();

  /** The billing dashboard every email links to. */
  String dashboardUrl();

  /** SMTP connect timeout (the library's default is infinite). */
  Duration connectTimeout();

  /** SMTP read timeout. */
  Duration readTimeout();

  /** SMTP write timeout. */
  Duration writeTimeout();

  /** Messages sent over one SMTP connection. */
  int batchSize();

  /** Attempts before a message is marked failed. */
  int maxAttempts();

  /** Wait after the first failed attempt; doubles each time. */
  Duration initialBackoff();

  /** The longest wait between attempts. */
  Duration maxBackoff();

  /** How long a message being sent stays claimed before another dispatcher may retry it. */
  default Duration lease() {
    return connectTimeout()
        .plus(writeTimeout())
        .plus(readTimeout())
        .multipliedBy(2)
        .plusSeconds(30);
  }

  /** The wait before attempt {@code attempts + 1}. */
  default Duration backoff(int attempts) {
    Duration wait = initialBackoff().multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
    return wait.compareTo(maxBackoff()) > 0 ? maxBackoff() : wait;
  }
}
