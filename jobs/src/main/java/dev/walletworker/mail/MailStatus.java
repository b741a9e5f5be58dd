package dev.walletworker.mail;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.util.Arrays;
import java.util.List;

/** Where an outbox message is: {@code pending → sent | failed}; ops move a failed one back. */
public enum MailStatus {
  /** Waiting for its next attempt (next_attempt_at). */
  PENDING,
  /** Handed to the SMTP server. */
  SENT,
  /** Out of attempts or refused for good; {@code mail retry} queues it again. */
  FAILED;

  /** Every status as stored, for option checks and help. */
  public static final List<String> CODES = Arrays.stream(values()).map(MailStatus::code).toList();

  /** As stored in {@code mail_outbox.status}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The status stored as {@code code}, or a clear error naming the ones there are. */
  public static MailStatus fromCode(String code) {
    for (MailStatus status : values()) {
      if (status.code().equals(code)) {
        return status;
      }
    }
    throw new WalletException(
        ErrorType.INVALID_REQUEST,
        "status must be pending, sent or failed, got '" + code + "'",
        "status");
  }
}
