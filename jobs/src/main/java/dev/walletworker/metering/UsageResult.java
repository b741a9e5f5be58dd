package dev.walletworker.metering;

import dev.walletworker.ledger.WalletTransaction;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The answer for one usage event, as {@code POST /v1/usage} returns it.
 *
 * @param id the event's id, as sent (null when it had none)
 * @param amount the cost debited (positive), for posted and duplicate events
 * @param balanceAfter the wallet's balance right after this event's debit
 * @param error why the event was refused, for every status but posted and duplicate
 */
public record UsageResult(
    String id,
    Status status,
    String transactionId,
    BigDecimal amount,
    BigDecimal balanceAfter,
    Error error) {

  /** What became of the event. */
  public enum Status {
    POSTED,
    /** The id was posted before: the first result, unchanged. */
    DUPLICATE,
    INSUFFICIENT_FUNDS,
    ACCOUNT_BLOCKED,
    ACCOUNT_NOT_FOUND,
    INVALID;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The API's error shape: a type, a message, and the field it is about. */
  public record Error(String type, String message, String param) {}

  static UsageResult posted(String id, WalletTransaction row) {
    return new UsageResult(
        id, Status.POSTED, row.id(), row.amount().negate(), row.balanceAfter(), null);
  }

  static UsageResult duplicate(String id, WalletTransaction row) {
    return new UsageResult(
        id, Status.DUPLICATE, row.id(), row.amount().negate(), row.balanceAfter(), null);
  }

  static UsageResult refused(String id, Status status, String type, String message, String param) {
    return new UsageResult(id, status, null, null, null, new Error(type, message, param));
  }

  /** This result again for a second occurrence of its id: duplicate, the first's fields. */
  UsageResult asDuplicate() {
    return new UsageResult(id, Status.DUPLICATE, transactionId, amount, balanceAfter, error);
  }
}
