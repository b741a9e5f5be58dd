package dev.walletworker.mail;

import java.util.Locale;

/** Every kind of email the system sends; the outbox stores the code. */
public enum MailKind {
  LOW_BALANCE;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The dedupe key of one occurrence of this kind of event for one account. */
  public String dedupeKey(String accountId, String occurrence) {
    return code() + ":" + accountId + ":" + occurrence;
  }
}
