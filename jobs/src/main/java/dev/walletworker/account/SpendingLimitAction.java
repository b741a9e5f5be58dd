package dev.walletworker.account;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.util.Locale;

public enum SpendingLimitAction {
  /** Block the account until the next month (or until the limit is raised). */
  BLOCK,
  /** Only tell the owner. */
  ALERT;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SpendingLimitAction fromCode(String code) {
    for (SpendingLimitAction action : values()) {
      if (action.code().equals(code)) {
        return action;
      }
    }
    throw new WalletException(
        ErrorType.INVALID_REQUEST,
        "spending_limit.action must be block or alert, got '"
            + dev.walletworker.Texts.abbreviate(code)
            + "'",
        "spending_limit.action");
  }
}
