package dev.walletworker.holds;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One hold: {@code amount} of an account's balance reserved for a request until it is captured,
 * released or expires.
 *
 * @param requestId the caller's id, its idempotency key
 * @param model null for a hold of a plain amount; else the model its worst case was priced for
 * @param priceId the price version of the model's worst case, which its capture is priced at
 * @param settledAt when it was captured, released or expired; null while held
 * @param expiredAt when it expired, kept when it is then captured late or released; null if it
 *     never expired
 * @param capturedAmount what the capture posted (0 for a capture of nothing); null unless captured
 * @param transactionId the capture's usage row; null unless captured for more than 0
 */
public record Hold(
    String id,
    String accountId,
    String requestId,
    HoldStatus status,
    BigDecimal amount,
    String model,
    String priceId,
    Long maxInputTokens,
    Long maxOutputTokens,
    Instant createdAt,
    Instant expiresAt,
    Instant settledAt,
    Instant expiredAt,
    BigDecimal capturedAmount,
    String transactionId) {}
