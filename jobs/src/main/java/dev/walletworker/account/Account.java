package dev.walletworker.account;

import java.time.Instant;

/**
 * A customer of the API and owner of one wallet.
 *
 * @param displayName may be {@code null}
 * @param blockedReason why the account is blocked ({@code spending_limit}, or an ops reason)
 */
public record Account(
    String id,
    String email,
    String displayName,
    AccountStatus status,
    String blockedReason,
    Instant blockedSince,
    Instant createdAt) {}
