package dev.walletworker.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;

/**
 * Builds the MIME message of an email: multipart/alternative (text, then HTML), a Message-ID
 * derived from the dedupe key (so a resend after a crash is recognisably the same message), and
 * header values that cannot carry line breaks.
 */
public final class MailComposer {

  private final MailRenderer renderer;
  private final InternetAddress from;
  private final InternetAddress replyTo;
  private final String domain;

  public MailComposer(MailRenderer renderer, String from, String replyTo) {
    this.renderer = renderer;
    this.from = address(from, "MAIL_FROM");
    this.replyTo = replyTo == null || replyTo.isBlank() ? null : address(replyTo, "MAIL_REPLY_TO");
    String address = this.from.getAddress();
    this.domain = address.substring(address.indexOf('@') + 1);
  }

  MimeMessage compose(Session session, OutboxMessage message) throws MessagingException {
    return compose(
        session,
        MailKind.fromCode(message.kind()),
        message.dedupeKey(),
        message.accountId(),
        message.recipient(),
        message.displayName(),
        message.payload(),
        new Date());
  }

  /**
   * Writes one email of {@code kind}, as it would be sent, to {@code out} in RFC 822 form (an
   * {@code .eml} file): {@code mail preview}, which stays free of the mail library.
   */
  public void writePreview(
      MailKind kind,
      String accountId,
      String recipient,
      String displayName,
      Map<String, Object> payload,
      java.io.OutputStream out)
      throws java.io.IOException {
    try {
      compose(
              Session.getInstance(new java.util.Properties()),
              kind,
              kind.dedupeKey(accountId, "preview"),
              accountId,
              recipient,
              displayName,
              payload,
              new Date())
          .writeTo(out);
    } catch (MessagingException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Composes one email. */
  MimeMessage compose(
      Session session,
      MailKind kind,
      String dedupeKey,
      String accountId,
      String recipient,
      String displayName,
      Map<String, Object> payload,
      Date sent)
      throws MessagingException {
    RenderedMail mail = renderer.render(kind, accountId, recipient, displayName, payload);
    MimeMessage message = new StableIdMessage(session, messageId(dedupeKey, kind));
    message.setFrom(from);
    if (replyTo != null) {
      message.setReplyTo(new InternetAddress[] {replyTo});
    }
    message.setRecipient(Message.RecipientType.TO, recipient(recipient, displayName));
    message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
    message.setSentDate(sent);
    // RFC 3834: automatic mail; well-behaved autoresponders stay quiet.
    message.setHeader("Auto-Submitted", "auto-generated");
    message.setHeader("X-Wallet-Email-Kind", kind.code());

    MimeBodyPart text = new MimeBodyPart();
    text.setText(mail.text(), StandardCharsets.UTF_8.name(), "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    message.setContent(alternative);
    message.saveChanges();
    return message;
  }

  /** {@code <hash.kind@domain>}: the same event always gets the same id. */
  String messageId(String dedupeKey, MailKind kind) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(dedupeKey.getBytes(StandardCharsets.UTF_8));
      return "<" + HexFormat.of().formatHex(hash, 0, 16) + "." + kind.code() + "@" + domain + ">";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InternetAddress recipient(String email, String displayName)
      throws AddressException {
    InternetAddress address = new InternetAddress(email, true);
    if (displayName != null && !displayName.isBlank()) {
      try {
        // The personal name is encoded by the library; stripping control characters first means
        // no name can end a header line early.
        address.setPersonal(MailRenderer.oneLine(displayName), StandardCharsets.UTF_8.name());
      } catch (UnsupportedEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    return address;
  }

  private static InternetAddress address(String text, String setting) {
    try {
      InternetAddress[] parsed = InternetAddress.parse(text, true);
      if (parsed.length != 1 || text.chars().anyMatch(Character::isISOControl)) {
        throw new AddressException("expected one address");
      }
      parsed[0].validate();
      return parsed[0];
    } catch (AddressException e) {
      throw new IllegalArgumentException(
          setting + " is not a valid email address: '" + text + "'", e);
    }
  }

  /** Keeps the Message-ID we chose instead of the random one the library would set. */
  private static final class StableIdMessage extends MimeMessage {
    private final String id;

    StableIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
