package dev.walletworker.holds;

import java.util.Locale;

/**
 * Where a hold is: {@code held} until it is captured, released or expires; an expired hold can
 * still be captured (a late settlement: the usage was served) or released (then no capture posts),
 * a released one cannot be captured.
 */
public enum HoldStatus {
  HELD,
  CAPTURED,
  RELEASED,
  EXPIRED;

  /** As stored and answered: {@code held}, {@code captured}, … */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static HoldStatus fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
