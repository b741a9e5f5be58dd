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
 *    ├──────▶ requires_action ──▶ succeeded | failed | needs_review
 *    └──────▶ needs_review ──▶ failed (resolved by a person)
 * </pre>
 *
 * {@code needs_review}: Stripe took the money but it cannot be credited automatically (another
 * currency or amount than asked for). No answer from Stripe moves it any more; only a person's
 * resolution of its review does. It counts as in flight, so the account is not charged again.
 */
public enum AttemptStatus {
  /** Committed before Stripe is called; resolved only by what Stripe says. */
  PENDING,
  SUCCEEDED,
  FAILED,
  /** The bank wants the owner to authenticate; no off-session retry until resolved. */
  REQUIRES_ACTION,
  /** Charged, but not creditable as it stands: waits for a person (see the class comment). */
  NEEDS_REVIEW;

  private static final Map<AttemptStatus, Set<AttemptStatus>> ALLOWED =
      Map.of(
          PENDING, Set.of(SUCCEEDED, FAILED, REQUIRES_ACTION, NEEDS_REVIEW),
          REQUIRES_ACTION, Set.of(SUCCEEDED, FAILED, NEEDS_REVIEW),
          NEEDS_REVIEW, Set.of(FAILED),
          SUCCEEDED, Set.of(),
          FAILED, Set.of());

  public boolean canMoveTo(AttemptStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  public boolean isFinal() {
    return ALLOWED.get(this).isEmpty();
  }

  /** Whether Stripe's answers still decide this attempt (not once a person must). */
  public boolean awaitsStripe() {
    return this == PENDING || this == REQUIRES_ACTION;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AttemptStatus fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
