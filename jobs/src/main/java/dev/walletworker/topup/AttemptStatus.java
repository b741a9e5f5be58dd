package dev.walletworker.topup;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The states of a top-up attempt, and the one table of which moves are legal.
 *
 * <pre>
 * pending ──▶ succeeded
 *    │  └───▶ failed
 *    └──────▶ requires_action ──▶ succeeded | failed
 * </pre>
 */
public enum AttemptStatus {
  /** Committed before Stripe is called; resolved only by what Stripe says. */
  PENDING,
  SUCCEEDED,
  FAILED,
  /** The bank wants the owner to authenticate; no off-session retry until resolved. */
  REQUIRES_ACTION;

  private static final Map<AttemptStatus, Set<AttemptStatus>> ALLOWED =
      Map.of(
          PENDING, Set.of(SUCCEEDED, FAILED, REQUIRES_ACTION),
          REQUIRES_ACTION, Set.of(SUCCEEDED, FAILED),
          SUCCEEDED, Set.of(),
          FAILED, Set.of());

  public boolean canMoveTo(AttemptStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  public boolean isFinal() {
    return ALLOWED.get(this).isEmpty();
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AttemptStatus fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
