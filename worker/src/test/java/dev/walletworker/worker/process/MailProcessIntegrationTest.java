package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestWallets;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Daemons sending real email to a real SMTP server (GreenMail) through the outbox. */
class MailProcessIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String NEVER = "0 0 0 1 1 ? 2099";

  @Test
  void twoDaemonsDeliverExactlyOneEmailPerCrossingDrivenByWakeUpsAlone() throws Exception {
    int port = DaemonProcess.freePort();
    GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    try {
      List<String> wallets = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        wallets.add(wallet(i));
      }
      Map<String, String> env = env(port, "1s");
      try (DaemonProcess a = DaemonProcess.start("mail-a", db, env);
          DaemonProcess b = DaemonProcess.start("mail-b", db, env)) {
        for (int i = 0; i < wallets.size(); i += 10) {
          db.jdbc()
              .sql("UPDATE wallets SET balance = 2 WHERE account_id IN (:ids)")
              .param("ids", wallets.subList(i, i + 10))
              .update();
          Thread.sleep(200);
        }

        await(() -> smtp.getReceivedMessages().length >= 40, a);
        Thread.sleep(3000); // anything doubled would arrive by now

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(40);
        assertThat(Arrays.stream(received).map(m -> header(m, "Message-ID")).distinct())
            .hasSize(40);
        assertThat(Arrays.stream(received).map(m -> header(m, "To")).distinct()).hasSize(40);
        assertThat(
                db.jdbc()
                    .sql("SELECT count(*) FROM mail_outbox WHERE status = 'sent'")
                    .query(Long.class)
                    .single())
            .isEqualTo(40);
      }
    } finally {
      smtp.stop();
    }
  }

  /**
   * SMTP down for a while (20 s in CI; 10 minutes with {@code -Preliability}, where the back-off is
   * the production default), alerts queued all through it, then SMTP back: every email arrives
   * once, none is given up, and the daemon stays ready throughout.
   */
  @Test
  void smtpDownForAWhileThenBackDeliversEveryEmailOnce() throws Exception {
    Duration outage = Duration.ofSeconds(Long.getLong("reliability.smtp-outage-seconds", 20));
    boolean full = outage.compareTo(Duration.ofMinutes(5)) >= 0;
    // Production back-off in the full run; a compressed one keeps CI short.
    String initial = full ? "30s" : "1s";
    Duration maxBackoff = full ? Duration.ofMinutes(15) : Duration.ofSeconds(4);
    int emails = 30;
    List<String> wallets = new ArrayList<>();
    for (int i = 0; i < emails; i++) {
      wallets.add(wallet(i));
    }
    int port = DaemonProcess.freePort();
    Map<String, String> env = new java.util.HashMap<>(env(port, initial));
    env.put("MAIL_MAX_BACKOFF", maxBackoff.toSeconds() + "s");
    env.put("MAIL_DISPATCH_CRON", "0/15 * * * * ?");
    try (DaemonProcess daemon = DaemonProcess.start("smtp-outage", db, env)) {
      long start = System.nanoTime();
      int notReady = 0;
      for (int i = 0; i < emails; i++) {
        db.jdbc()
            .sql("UPDATE wallets SET balance = 2 WHERE account_id = ?")
            .param(wallets.get(i))
            .update();
        long next = start + outage.toNanos() * (i + 1) / emails;
        while (System.nanoTime() < next) {
          if (daemon.health("/actuator/health/readiness") != 200) {
            notReady++;
          }
          Thread.sleep(Math.min(1000, Math.max(1, (next - System.nanoTime()) / 1_000_000)));
        }
      }
      int failedAttempts =
          db.jdbc()
              .sql("SELECT coalesce(sum(attempts), 0) FROM mail_outbox")
              .query(Integer.class)
              .single();
      assertThat(failedAttempts).as("delivery attempts during the outage").isGreaterThan(emails);

      GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.start();
      long back = System.nanoTime();
      try {
        await(
            () -> smtp.getReceivedMessages().length >= emails, daemon, maxBackoff.plusSeconds(90));
        Duration drained = Duration.ofNanos(System.nanoTime() - back);
        Thread.sleep(3000); // anything doubled would arrive by now

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(emails);
        assertThat(Arrays.stream(received).map(m -> header(m, "Message-ID")).distinct())
            .hasSize(emails);
        assertThat(Arrays.stream(received).map(m -> header(m, "To")).distinct()).hasSize(emails);
        assertThat(
                db.jdbc()
                    .sql("SELECT status, count(*) FROM mail_outbox GROUP BY status")
                    .query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2))
                    .list())
            .containsExactly("sent=" + emails);
        assertThat(notReady).as("readiness checks that failed during the outage").isZero();
        assertThat(daemon.log()).contains("smtp server unreachable");
        String report =
            String.format(
                "SMTP outage: %d s down, %d alerts queued through it, %d failed delivery attempts,"
                    + " back-off %s doubling to %d s;%n"
                    + "  all %d delivered once %.1f s after SMTP came back; daemon ready"
                    + " throughout%n",
                outage.toSeconds(),
                emails,
                failedAttempts,
                initial,
                maxBackoff.toSeconds(),
                received.length,
                drained.toMillis() / 1000.0);
        System.out.print(report);
        java.nio.file.Path out = java.nio.file.Path.of("target/reliability/smtp-outage.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, report);
      } finally {
        smtp.stop();
      }
    }
  }

  private static Map<String, String> env(int smtpPort, String backoff) {
    return Map.of(
        "LOW_BALANCE_ALERTS_CRON",
        NEVER,
        "MAIL_DISPATCH_CRON",
        "* * * * * ?",
        "SMTP_HOST",
        "127.0.0.1",
        "SMTP_PORT",
        Integer.toString(smtpPort),
        "SMTP_CONNECT_TIMEOUT",
        "1s",
        "MAIL_FROM",
        "Wallet <billing@wallet.example>",
        "MAIL_INITIAL_BACKOFF",
        backoff,
        "MAIL_MAX_BACKOFF",
        backoff);
  }

  private static String wallet(int i) {
    return TestWallets.wallet(TestWallets.accountId(i))
        .email("owner" + i + "@example.com")
        .balance(10)
        .lowBalanceAlert(5)
        .insert(db.jdbc());
  }

  private static String header(MimeMessage message, String name) {
    try {
      return message.getHeader(name)[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition, DaemonProcess daemon)
      throws InterruptedException {
    await(condition, daemon, Duration.ofSeconds(60));
  }

  private static void await(BooleanSupplier condition, DaemonProcess daemon, Duration timeout)
      throws InterruptedException {
    Await.await(condition, timeout, daemon);
  }
}
