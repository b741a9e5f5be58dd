package dev.walletworker.account;

import java.time.Instant;

/**
 * Where auto top-up stands, as the system keeps it (ops output, not owner settings).
 *
 * @param failures declined charges in a row
 * @param retryAfter no new attempt before this (cool-down), or null
 * @param disabledReason why the system switched auto top-up off, or null
 * @param lastDay automatic top-ups charged in the last 24 hours (the daily cap counts these)
 */
public record AutoTopUpState(
    int failures, Instant retryAfter, String disabledReason, int lastDay) {}
