package dev.walletworker.ledger;

import dev.walletworker.ErrorType;
import dev.walletworker.WalletException;
import java.util.Arrays;
import java.util.Locale;

/** What a ledger row records. Usage rows are negative, all others positive. */
public enum TransactionType {
  TOPUP,
  USAGE,
  REFUND,
  BONUS;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TransactionType fromCode(String code) {
    return Arrays.stream(values())
        .filter(t -> t.code().equals(code))
        .findFirst()
        .orElseThrow(
            () ->
                new WalletException(
                    ErrorType.INVALID_REQUEST,
                    "type must be one of topup, usage, refund, bonus; got '" + code + "'",
                    "type"));
  }
}
