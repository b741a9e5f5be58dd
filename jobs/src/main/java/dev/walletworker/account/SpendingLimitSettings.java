package dev.walletworker.account;

import java.math.BigDecimal;

/** A monthly cap on usage, and what happens when it is reached. */
public record SpendingLimitSettings(
    boolean enabled, BigDecimal monthlyLimit, SpendingLimitAction action) {}
