package dev.walletworker.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.SettingsChange;
import dev.walletworker.alerts.LowBalanceAlertsJobConfiguration;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.testing.BatchJobs;
import dev.walletworker.testing.FreePorts;
import dev.walletworker.testing.MutableClock;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.testing.TestMailSettings;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.batch.core.BatchStatus;
import tools.jackson.databind.json.JsonMapper;

/** The outbox, the dispatcher and real SMTP (GreenMail). */
class MailDispatchIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final Accounts accounts = new Accounts(db.database(), clock);
  private final Ledger ledger = new Ledger(db.database(), clock);
  private int port;
  private GreenMail smtp;
  private MailSettings settings;
  private BatchJobs jobs;

  @BeforeEach
  void givenAnSmtpServer() throws IOException {
    port = FreePorts.next();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    settings = TestMailSettings.local(port);
    jobs = jobs();
  }

  @AfterEach
  void stop() {
    jobs.close();
    smtp.stop();
  }

  @Test
  void exactlyOneEmailPerCrossingAndAnotherAfterReArming() throws Exception {
    String account = accounts.create("ada@example.com", "Ada", null).account().id();
    ledger.credit(account, new BigDecimal("20.00"), TransactionType.TOPUP, null, null);
    accounts.updateSettings(
        account, new SettingsChange().alertEnabled(true).alertThreshold(BigDecimal.TEN));
    ledger.debitUsage(account, new BigDecimal("15.80"), null, null); // 4.20

    for (int i = 0; i < 3; i++) {
      jobs.run(LowBalanceAlertsJobConfiguration.JOB_NAME);
      jobs.run(MailDispatchJobConfiguration.JOB_NAME);
    }
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    MimeMessage first = smtp.getReceivedMessages()[0];
    assertThat(first.getSubject()).isEqualTo("Your Ada balance is low: $4.20");
    assertThat(status()).containsExactly("sent");

    ledger.credit(
        account, new BigDecimal("10.00"), TransactionType.TOPUP, null, null); // 14.20: re-armed
    clock.advance(Duration.ofMinutes(5));
    ledger.debitUsage(account, new BigDecimal("5"), null, null); // 9.20: a new crossing
    jobs.run(LowBalanceAlertsJobConfiguration.JOB_NAME);
    jobs.run(MailDispatchJobConfiguration.JOB_NAME);

    assertThat(smtp.getReceivedMessages()).hasSize(2);
    assertThat(smtp.getReceivedMessages()[1].getSubject())
        .isEqualTo("Your Ada balance is low: $9.20");
    assertThat(smtp.getReceivedMessages()[1].getMessageID()).isNotEqualTo(first.getMessageID());
  }

  @Test
  void everyKindArrivesAsTextAndHtmlWithItsSubjectAndRecipient() throws Exception {
    String account = accounts.create("owner@example.com", "Grace Hopper", null).account().id();
    for (MailKind kind : MailKind.values()) {
      enqueue(account, kind, kind.samplePayload(), "sample-" + kind.code());
    }

    jobs.run(MailDispatchJobConfiguration.JOB_NAME);

    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(MailKind.values().length);
    MailRenderer renderer = new MailRenderer(settings.dashboardUrl());
    for (MimeMessage message : received) {
      MailKind kind = MailKind.fromCode(message.getHeader("X-Wallet-Email-Kind")[0]);
      RenderedMail expected =
          renderer.render(kind, account, "owner@example.com", "Grace Hopper", kind.samplePayload());
      assertThat(message.getSubject()).isEqualTo(expected.subject());
      assertThat(
              Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString))
          .containsExactly("Grace Hopper <owner@example.com>");
      assertThat(message.getFrom()[0].toString()).isEqualTo("Wallet <billing@wallet.example>");
      assertThat(message.getReplyTo()[0].toString()).isEqualTo("support@wallet.example");
      assertThat(message.getHeader("Auto-Submitted")[0]).isEqualTo("auto-generated");
      assertThat(message.getMessageID())
          .matches("<[0-9a-f]{32}\\." + kind.code() + "@wallet\\.example>");
      assertThat(message.getContentType()).startsWith("multipart/alternative");
      Multipart parts = (Multipart) message.getContent();
      assertThat(parts.getCount()).isEqualTo(2);
      assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
      assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
      assertThat(normalize((String) parts.getBodyPart(0).getContent()))
          .isEqualTo(normalize(expected.text()));
      assertThat(normalize((String) parts.getBodyPart(1).getContent()))
          .isEqualTo(normalize(expected.html()));
      assertThat((String) parts.getBodyPart(0).getContent())
          .contains("https://dashboard.example.com/billing");
    }
  }

  @Test
  void smtpDownForAnHourLosesNothingAndDeliversOnce() throws Exception {
    String account = accounts.create("owner@example.com", null, null).account().id();
    for (int i = 0; i < 3; i++) {
      enqueue(account, MailKind.LOW_BALANCE, MailKind.LOW_BALANCE.samplePayload(), "outage-" + i);
    }
    smtp.stop();

    // An hour of attempts at every due time, with the server down.
    Instant end = clock.instant().plus(Duration.ofHours(1));
    int runs = 0;
    while (clock.instant().isBefore(end)) {
      assertThat(jobs.run(MailDispatchJobConfiguration.JOB_NAME).getStatus())
          .isEqualTo(BatchStatus.COMPLETED);
      runs++;
      clock.set(
          nextAttempt().isAfter(clock.instant()) ? nextAttempt() : clock.instant().plusSeconds(1));
    }
    assertThat(runs).isGreaterThan(4);
    assertThat(status()).containsOnly("pending");
    assertThat(lastErrors()).allMatch(e -> e.startsWith("smtp server unreachable"));

    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    clock.set(nextAttempt());
    jobs.run(MailDispatchJobConfiguration.JOB_NAME);
    jobs.run(MailDispatchJobConfiguration.JOB_NAME);

    assertThat(smtp.getReceivedMessages()).hasSize(3);
    assertThat(status()).containsOnly("sent");
  }

  @Test
  void aMessageOutOfAttemptsIsMarkedFailedWithItsError() {
    String account = accounts.create("owner@example.com", null, null).account().id();
    enqueue(account, MailKind.LOW_BALANCE, MailKind.LOW_BALANCE.samplePayload(), "doomed");
    smtp.stop();

    for (int i = 0; i < settings.maxAttempts(); i++) {
      jobs.run(MailDispatchJobConfiguration.JOB_NAME);
      clock.set(nextAttempt());
    }

    assertThat(status()).containsExactly("failed");
    assertThat(lastErrors().get(0)).startsWith("after 12 attempts: smtp server unreachable");
  }

  @Test
  void headerInjectionThroughANameOrAPayloadGoesNowhere() throws Exception {
    String account = accounts.create("victim@example.com", null, null).account().id();
    // Names are validated on the way in; this one comes from a hand-edited row.
    db.jdbc()
        .sql("UPDATE accounts SET display_name = ? WHERE id = ?")
        .params("Eve Bcc: attacker@evil.example", account)
        .update();
    db.jdbc().sql("ALTER TABLE accounts DROP CONSTRAINT accounts_display_name_check").update();
    try {
      db.jdbc()
          .sql("UPDATE accounts SET display_name = ? WHERE id = ?")
          .params("Eve\r\nBcc: attacker@evil.example\r\nX-Injected: 1", account)
          .update();
      Map<String, Object> payload = new java.util.HashMap<>(MailKind.TOPUP_FAILED.samplePayload());
      payload.put("reason", "declined\r\nBcc: attacker@evil.example");
      enqueue(account, MailKind.TOPUP_FAILED, payload, "inject");

      jobs.run(MailDispatchJobConfiguration.JOB_NAME);

      assertThat(smtp.getReceivedMessages()).hasSize(1);
      MimeMessage message = smtp.getReceivedMessages()[0];
      assertThat(message.getAllRecipients()).hasSize(1);
      assertThat(message.getAllRecipients()[0].toString()).endsWith("<victim@example.com>");
      assertThat(message.getHeader("Bcc")).isNull();
      assertThat(message.getHeader("X-Injected")).isNull();
      assertThat(message.getSubject()).doesNotContain("\r", "\n");
      // The SMTP envelope went to the victim only: no mailbox was created for the attacker.
      assertThat(smtp.getUserManager().getUserByEmail("attacker@evil.example")).isNull();
      assertThat(smtp.getUserManager().getUserByEmail("victim@example.com")).isNotNull();
    } finally {
      db.jdbc().sql("UPDATE accounts SET display_name = NULL").update();
      db.jdbc()
          .sql(
              "ALTER TABLE accounts ADD CONSTRAINT accounts_display_name_check CHECK (length(display_name) BETWEEN 1 AND 200 AND display_name !~ '[[:cntrl:]]')")
          .update();
    }
  }

  @Test
  void twoDispatchersAtOnceSendEachMessageOnce() throws Exception {
    String account = accounts.create("owner@example.com", null, null).account().id();
    for (int i = 0; i < 200; i++) {
      enqueue(account, MailKind.LOW_BALANCE, MailKind.LOW_BALANCE.samplePayload(), "bulk-" + i);
    }

    try (BatchJobs other = jobs()) {
      var a = CompletableFuture.supplyAsync(() -> jobs.run(MailDispatchJobConfiguration.JOB_NAME));
      var b = CompletableFuture.supplyAsync(() -> other.run(MailDispatchJobConfiguration.JOB_NAME));
      a.get();
      b.get();
    }

    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(200);
    assertThat(Arrays.stream(received).map(m -> unchecked(m::getMessageID)).distinct())
        .hasSize(200);
    assertThat(status()).containsOnly("sent");
  }

  // --- helpers

  private BatchJobs jobs() {
    MailComposer composer =
        new MailComposer(
            new MailRenderer(settings.dashboardUrl()), settings.from(), settings.replyTo());
    return new BatchJobs(
        db,
        clock,
        List.of(settings, composer, new MailOutbox(db.database(), clock)),
        LowBalanceAlertsJobConfiguration.class,
        MailDispatchJobConfiguration.class);
  }

  private void enqueue(
      String account, MailKind kind, Map<String, Object> payload, String occurrence) {
    db.jdbc()
        .sql(
            "INSERT INTO mail_outbox (dedupe_key, kind, account_id, recipient, payload, next_attempt_at, created_at)"
                + " SELECT ?, ?, id, email, ?::jsonb, ?, ? FROM accounts WHERE id = ?")
        .params(
            kind.dedupeKey(account, occurrence),
            kind.code(),
            JsonMapper.builder().build().writeValueAsString(payload),
            java.sql.Timestamp.from(clock.instant()),
            java.sql.Timestamp.from(clock.instant()),
            account)
        .update();
  }

  private List<String> status() {
    return db.jdbc().sql("SELECT status FROM mail_outbox ORDER BY id").query(String.class).list();
  }

  private List<String> lastErrors() {
    return db.jdbc()
        .sql("SELECT last_error FROM mail_outbox ORDER BY id")
        .query(String.class)
        .list();
  }

  private Instant nextAttempt() {
    return db.jdbc()
        .sql("SELECT min(next_attempt_at) FROM mail_outbox WHERE status = 'pending'")
        .query(java.sql.Timestamp.class)
        .optional()
        .map(java.sql.Timestamp::toInstant)
        .orElse(clock.instant());
  }

  private static String normalize(String text) {
    return text.replace("\r\n", "\n").strip();
  }

  interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T unchecked(Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
