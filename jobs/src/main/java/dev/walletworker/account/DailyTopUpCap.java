package dev.walletworker.account;

import java.time.Duration;
import java.time.Instant;

/**
 * The daily cap of automatic top-ups, defined once: the succeeded automatic top-ups of an account
 * created in the 24 hours before now. Claiming an attempt, naming the capped window in the owner's
 * email and showing an account (ops, the wallet API) all count with it.
 */
public final class DailyTopUpCap {

  /** How far back the cap counts. */
  public static final Duration WINDOW = Duration.ofHours(24);

  /**
   * A scalar subquery: how many top-ups of the account in the outer query's {@code w.account_id}
   * count toward the cap; its one parameter is {@link #since}.
   */
  public static final String COUNT =
      "(SELECT count(*) FROM topup_attempts t WHERE t.account_id = w.account_id"
          + " AND t.status = 'succeeded' AND t.created_at > ?)";

  private DailyTopUpCap() {}

  /** Where the window starts when it ends at {@code now}. */
  public static Instant since(Instant now) {
    return now.minus(WINDOW);
  }
}
