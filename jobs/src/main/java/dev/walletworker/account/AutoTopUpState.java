package dev.walletworker.account;

import java.time.Instant;

/**
 * Where auto top-up stands, as the system keeps it (ops output, not owner settings).
 *
 * @param failures declined charges in a row
 * @param retryAfter no new attempt before this (cool-down), or null
 * @param disabledReason why the system switched auto top-up off, or null
 */
public record AutoTopUpState(int failures, Instant retryAfter, String disabledReason) {}
