package dev.walletworker.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * What an account spent on one model on one day; {@code model} is null for usage posted as a plain
 * amount.
 */
public record DailyUsage(LocalDate day, String model, BigDecimal spent) {}
