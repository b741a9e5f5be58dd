package dev.walletworker.ledger;

import dev.walletworker.ErrorType;
import java.math.BigDecimal;

/** What became of one debit of a group. */
public sealed interface UsageOutcome {

  /** Debited now. */
  record Posted(WalletTransaction row) implements UsageOutcome {}

  /** The reference was debited before (by an earlier call, or earlier in the group): that row. */
  record Replayed(WalletTransaction row) implements UsageOutcome {}

  /**
   * Refused; nothing written for it.
   *
   * @param balance the balance it was refused against (for insufficient funds), else null
   */
  record Refused(ErrorType type, String message, String param, BigDecimal balance)
      implements UsageOutcome {}
}
