package dev.walletworker.topup;

import dev.walletworker.db.Database;
import java.sql.Timestamp;
import java.time.Instant;

/** The {@code stripe_events} table: the Stripe events already handled, so a repeat is a no-op. */
final class StripeEvents {

  private final Database db;

  StripeEvents(Database db) {
    this.db = db;
  }

  /**
   * Records the event as handled; false when it was already (a repeated delivery). Runs in the
   * transaction that handles it, so a failed handling is not recorded.
   */
  boolean recordFirst(String eventId, String type, Instant receivedAt) {
    return db.jdbc()
            .sql(
                "INSERT INTO stripe_events (id, type, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
            .params(eventId, type, Timestamp.from(receivedAt))
            .update()
        == 1;
  }
}
