package dev.walletworker.mail;

import java.time.Duration;

/**
 * How mail is sent.
 *
 * @param host SMTP server
 * @param port SMTP port
 * @param username SMTP user, or blank for no authentication
 * @param password SMTP password
 * @param startTls require STARTTLS
 * @param from the From address, e.g. {@code Wallet <billing@example.com>}
 * @param replyTo the Reply-To address, or blank
 * @param dashboardUrl the billing dashboard every email links to
 * @param connectTimeout SMTP connect timeout (the library's default is infinite)
 * @param readTimeout SMTP read timeout
 * @param writeTimeout SMTP write timeout
 * @param batchSize messages sent over one SMTP connection
 * @param maxAttempts attempts before a message is marked failed
 * @param initialBackoff wait after the first failed attempt; doubles each time
 * @param maxBackoff the longest wait between attempts
 */
public record MailSettings(
    String host,
    int port,
    String username,
    String password,
    boolean startTls,
    String from,
    String replyTo,
    String dashboardUrl,
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    int batchSize,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff) {

  /** How long a message being sent stays claimed before another dispatcher may retry it. */
  Duration lease() {
    return connectTimeout.plus(writeTimeout).plus(readTimeout).multipliedBy(2).plusSeconds(30);
  }

  /** The wait before attempt {@code attempts + 1}. */
  Duration backoff(int attempts) {
    Duration wait = initialBackoff.multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }
}
