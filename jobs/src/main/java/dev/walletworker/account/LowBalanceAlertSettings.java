package dev.walletworker.account;

import java.math.BigDecimal;

/** Email the owner once when the balance falls below {@code threshold}. */
public record LowBalanceAlertSettings(boolean enabled, BigDecimal threshold) {}
