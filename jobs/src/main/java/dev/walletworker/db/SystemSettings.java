package dev.walletworker.db;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.ZoneId;

/**
 * The one-row {@code system_settings} table (V12): what every process on the database must agree
 * on. Today that is the zone of calendar months, which month-to-date spend, spending-limit blocks
 * and the month rollover count in.
 */
public final class SystemSettings {

  private final Database db;

  public SystemSettings(Database db) {
    this.db = db;
  }

  /**
   * The zone the database counts months in: {@code proposed} if no process recorded one before (it
   * is recorded now), otherwise the one recorded first. Two processes starting at once on a new
   * database both get the zone of whichever inserted first.
   *
   * @return the recorded zone, or {@code proposed} when the schema has no {@code system_settings}
   *     table yet (a database not migrated: {@code bin/worker migrate} opens it before migrating,
   *     and no month has been counted on it)
   */
  public ZoneId timeZone(ZoneId proposed, Clock clock) {
    Boolean migrated =
        db.jdbc()
            .sql("SELECT to_regclass('system_settings') IS NOT NULL")
            .query(Boolean.class)
            .single();
    if (!migrated) {
      return proposed;
    }
    db.jdbc()
        .sql(
            "INSERT INTO system_settings (time_zone, recorded_at) VALUES (?, ?)"
                + " ON CONFLICT (singleton) DO NOTHING")
        .params(proposed.getId(), Timestamp.from(clock.instant()))
        .update();
    return ZoneId.of(
        db.jdbc().sql("SELECT time_zone FROM system_settings").query(String.class).single());
  }
}
