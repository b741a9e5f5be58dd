package dev.walletworker.account;

import java.math.BigDecimal;

/** An account's wallet: its balance and the owner's settings. */
public record Wallet(
    String accountId,
    String currency,
    BigDecimal balance,
    AutoTopUpSettings autoTopUp,
    LowBalanceAlertSettings lowBalanceAlert,
    SpendingLimitSettings spendingLimit,
    AutoTopUpState autoTopUpState) {}
