package dev.walletworker.testing;

import dev.walletworker.mail.MailSettings;
import java.time.Duration;

/** Mail settings for tests: a local SMTP server (GreenMail), short timeouts, the usual back-off. */
public record TestMailSettings(
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
    Duration maxBackoff)
    implements MailSettings {

  /** The SMTP server on the loopback {@code port}. */
  public static TestMailSettings local(int port) {
    return new TestMailSettings(
        "127.0.0.1",
        port,
        "",
        "",
        false,
        "Wallet <billing@wallet.example>",
        "support@wallet.example",
        "https://dashboard.example.com",
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        50,
        12,
        Duration.ofSeconds(30),
        Duration.ofMinutes(15));
  }

  public TestMailSettings withReplyTo(String address) {
    return new TestMailSettings(
        host,
        port,
        username,
        password,
        startTls,
        from,
        address,
        dashboardUrl,
        connectTimeout,
        readTimeout,
        writeTimeout,
        batchSize,
        maxAttempts,
        initialBackoff,
        maxBackoff);
  }

  public TestMailSettings withTimeouts(Duration connect, Duration readWrite) {
    return new TestMailSettings(
        host,
        port,
        username,
        password,
        startTls,
        from,
        replyTo,
        dashboardUrl,
        connect,
        readWrite,
        readWrite,
        batchSize,
        maxAttempts,
        initialBackoff,
        maxBackoff);
  }

  public TestMailSettings withBatchSize(int messages) {
    return new TestMailSettings(
        host,
        port,
        username,
        password,
        startTls,
        from,
        replyTo,
        dashboardUrl,
        connectTimeout,
        readTimeout,
        writeTimeout,
        messages,
        maxAttempts,
        initialBackoff,
        maxBackoff);
  }
}
