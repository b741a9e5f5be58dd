package dev.walletworker.mail;

import dev.walletworker.db.Database;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due outbox mail over one SMTP connection per batch.
 *
 * <p>A batch is claimed with a lease ({@code FOR UPDATE SKIP LOCKED}, attempts counted, the next
 * attempt pushed past the lease), committed before anything is sent: several dispatchers share the
 * outbox without sending a message twice. Each message is marked sent the moment the server accepts
 * it, so a crash can repeat at most the one message in flight, and that one carries the same
 * Message-ID. A failure is retried with exponential back-off; after {@code maxAttempts}, or when
 * the server rejects the recipient outright, the message is marked failed for ops to see.
 */
public final class MailDispatcher {

  private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);

  private final MailOutbox outbox;
  private final MailSettings settings;
  private final MailComposer composer;
  private final Clock clock;
  private final Session session;

  public MailDispatcher(Database db, MailSettings settings, MailComposer composer, Clock clock) {
    this.outbox = new MailOutbox(db, clock);
    this.settings = settings;
    this.composer = composer;
    this.clock = clock;
    this.session = session(settings);
  }

  /** Claims up to one batch of due messages and sends them. */
  public DispatchResult dispatchBatch() {
    List<OutboxMessage> claimed = claim();
    if (claimed.isEmpty()) {
      return new DispatchResult(0, 0, 0, 0, false);
    }
    int sent = 0;
    int retrying = 0;
    int failed = 0;
    Map<OutboxMessage, MimeMessage> composed = new LinkedHashMap<>();
    for (OutboxMessage message : claimed) {
      try {
        composed.put(message, composer.compose(session, message));
      } catch (RuntimeException | MessagingException e) {
        // A message that cannot be built will not build next time either.
        giveUp(message, "could not compose: " + e.getMessage());
        failed++;
      }
    }
    if (composed.isEmpty()) {
      return new DispatchResult(claimed.size(), 0, 0, failed, false);
    }
    try (Transport transport = session.getTransport("smtp")) {
      try {
        transport.connect(
            settings.host(),
            settings.port(),
            blankToNull(settings.username()),
            blankToNull(settings.password()));
      } catch (MessagingException e) {
        log.warn(
            "smtp server unreachable host={} port={}: {}; {} messages will be retried",
            settings.host(),
            settings.port(),
            e.getMessage(),
            composed.size());
        for (OutboxMessage message : composed.keySet()) {
          if (retry(message, "smtp server unreachable: " + e.getMessage())) {
            retrying++;
          } else {
            failed++;
          }
        }
        return new DispatchResult(claimed.size(), 0, retrying, failed, true);
      }
      List<OutboxMessage> pending = new ArrayList<>(composed.keySet());
      for (int i = 0; i < pending.size(); i++) {
        OutboxMessage message = pending.get(i);
        MimeMessage mime = composed.get(message);
        try {
          transport.sendMessage(mime, mime.getAllRecipients());
          markSent(message);
          sent++;
        } catch (SendFailedException e) {
          if (e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0) {
            giveUp(message, "recipient rejected: " + e.getMessage());
            failed++;
          } else if (retry(message, e.getMessage())) {
            retrying++;
          } else {
            failed++;
          }
        } catch (MessagingException e) {
          if (retry(message, e.getMessage())) {
            retrying++;
          } else {
            failed++;
          }
          if (!transport.isConnected()) {
            for (OutboxMessage rest : pending.subList(i + 1, pending.size())) {
              if (retry(rest, "smtp connection lost: " + e.getMessage())) {
                retrying++;
              } else {
                failed++;
              }
            }
            return new DispatchResult(claimed.size(), sent, retrying, failed, true);
          }
        }
      }
    } catch (MessagingException closing) {
      log.debug("smtp connection did not close cleanly: {}", closing.getMessage());
    }
    return new DispatchResult(claimed.size(), sent, retrying, failed, false);
  }

  private List<OutboxMessage> claim() {
    Instant now = clock.instant();
    return outbox.claimDue(now, now.plus(settings.lease()), settings.batchSize());
  }

  private void markSent(OutboxMessage message) {
    outbox.markSent(message.id(), clock.instant());
    log.info(
        "mail sent id={} kind={} account={} attempt={}",
        message.id(),
        message.kind(),
        message.accountId(),
        message.attempts());
  }

  /** Schedules another attempt; returns false when the message is out of attempts (failed). */
  private boolean retry(OutboxMessage message, String error) {
    if (message.attempts() >= settings.maxAttempts()) {
      giveUp(message, "after " + message.attempts() + " attempts: " + error);
      return false;
    }
    Instant next = clock.instant().plus(settings.backoff(message.attempts()));
    outbox.postpone(message.id(), next, truncate(error));
    log.warn(
        "mail delivery failed id={} kind={} account={} attempt={}/{} retry_at={} error={}",
        message.id(),
        message.kind(),
        message.accountId(),
        message.attempts(),
        settings.maxAttempts(),
        next,
        error);
    return true;
  }

  private void giveUp(OutboxMessage message, String error) {
    outbox.markFailed(message.id(), truncate(error));
    log.error(
        "mail failed id={} kind={} account={} attempts={} error={} (bin/worker mail retry {} sends it again)",
        message.id(),
        message.kind(),
        message.accountId(),
        message.attempts(),
        error,
        message.id());
  }

  static Session session(MailSettings settings) {
    Properties props = new Properties();
    props.setProperty("mail.smtp.host", settings.host());
    props.setProperty("mail.smtp.port", Integer.toString(settings.port()));
    // The library's timeouts are infinite by default: a hung server would hang the job.
    props.setProperty(
        "mail.smtp.connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
    props.setProperty("mail.smtp.timeout", Long.toString(settings.readTimeout().toMillis()));
    props.setProperty("mail.smtp.writetimeout", Long.toString(settings.writeTimeout().toMillis()));
    props.setProperty("mail.smtp.auth", Boolean.toString(blankToNull(settings.username()) != null));
    props.setProperty("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
    props.setProperty("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
    return Session.getInstance(props);
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static String truncate(String text) {
    String value = text == null ? "unknown error" : text.replaceAll("\\s+", " ");
    return value.length() <= 1000 ? value : value.substring(0, 1000);
  }
}
