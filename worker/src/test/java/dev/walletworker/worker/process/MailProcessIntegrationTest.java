package dev.walletworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.testing.TestDatabase;
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

  @Test
  void mailQueuedWhileSmtpIsDownIsDeliveredOnceWhenItComesBack() throws Exception {
    int port = DaemonProcess.freePort();
    String wallet = wallet(0);
    try (DaemonProcess daemon = DaemonProcess.start("smtp-down", db, env(port, "1s"))) {
      db.jdbc().sql("UPDATE wallets SET balance = 2 WHERE account_id = ?").param(wallet).update();
      await(
          () ->
              db.jdbc()
                      .sql(
                          "SELECT coalesce(max(attempts), 0) FROM mail_outbox WHERE status = 'pending'")
                      .query(Integer.class)
                      .single()
                  >= 2,
          daemon);

      GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.start();
      try {
        await(() -> smtp.getReceivedMessages().length == 1, daemon);
        Thread.sleep(3000);
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(db.jdbc().sql("SELECT status FROM mail_outbox").query(String.class).single())
            .isEqualTo("sent");
        assertThat(daemon.log()).contains("smtp server unreachable");
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
    String id = String.format("acct_%016d", i);
    db.jdbc()
        .sql("INSERT INTO accounts (id, email, created_at) VALUES (?, ?, now())")
        .params(id, "owner" + i + "@example.com")
        .update();
    db.jdbc()
        .sql(
            "INSERT INTO wallets (account_id, balance, low_balance_alert_enabled, low_balance_alert_threshold, updated_at)"
                + " VALUES (?, 10, true, 5, now())")
        .param(id)
        .update();
    return id;
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
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s; daemon log:\n" + daemon.log());
      }
      Thread.sleep(100);
    }
  }
}
