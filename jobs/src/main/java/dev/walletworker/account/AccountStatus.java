package dev.walletworker.account;

import java.util.Locale;

public enum AccountStatus {
  ACTIVE,
  /** May not spend: usage debits are refused and auto top-up does not charge. */
  BLOCKED;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
