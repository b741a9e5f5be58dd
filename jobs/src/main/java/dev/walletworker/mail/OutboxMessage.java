package dev.walletworker.mail;

import java.time.Instant;
import java.util.Map;

/** A row of the mail outbox, claimed for sending. */
record OutboxMessage(
    long id,
    String dedupeKey,
    String kind,
    String accountId,
    String recipient,
    String displayName,
    Map<String, Object> payload,
    int attempts,
    Instant createdAt) {}
