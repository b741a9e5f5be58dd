package dev.walletworker.stripe.emulator;

import java.time.Instant;
import java.util.Map;

/**
 * An API request as the emulator received it, before any latency or fault was applied: what a
 * benchmark times (a request's arrival against the event that caused it) and maps to its account.
 *
 * @param receivedAt when the request had been read, by the machine's wall clock
 * @param idempotencyKey its {@code Idempotency-Key} header, or null
 * @param metadata its {@code metadata[…]} form parameters (empty for a GET)
 */
public record ReceivedRequest(
    Instant receivedAt,
    String method,
    String path,
    String idempotencyKey,
    Map<String, String> metadata) {}
