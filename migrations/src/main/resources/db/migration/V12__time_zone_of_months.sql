-- The zone of calendar months, recorded once for the whole database.
--
-- Month-to-date spend, the spending-limit blocks and the month rollover all count calendar months
-- in TIME_ZONE. Two processes with different zones would disagree on when a month starts: one
-- would start the new month's counter while the other still debits the old one. The first process
-- that starts on the database records its zone here; every process compares its own with it and
-- refuses to start when they differ (dev.walletworker.db.SystemSettings, and the clock of the
-- worker). On an existing database, the first process started after this migration records its
-- zone: start it with the zone the months were counted in.

CREATE TABLE system_settings (
    -- At most one row.
    singleton   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    -- An IANA zone id as the process was configured with (TIME_ZONE), e.g. UTC, Europe/Paris.
    time_zone   TEXT NOT NULL CHECK (time_zone <> ''),
    recorded_at TIMESTAMPTZ NOT NULL
);
