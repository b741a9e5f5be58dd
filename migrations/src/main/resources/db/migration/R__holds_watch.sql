-- The holds' change trigger, in its one current definition (replaced whenever this file changes).
--
-- The hold-expiry job runs at the next hold's expiry: after each run the daemon schedules its
-- timed run there (TimedWakeUps). A new hold that expires sooner than every active one would wait
-- for that later run (or the cron), so it NOTIFYs the job's name, and the daemons move the timed
-- run to it (WakeUpListener; the job does not run before then).
-- Under steady traffic holds expire in the order they are made: a new one is rarely the soonest,
-- and the check is one probe of holds_active_by_expiry. The payload is the name of a registered
-- job (WalletJobs; a test checks it).

CREATE OR REPLACE FUNCTION holds_watch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM holds h
                    WHERE h.status = 'held' AND h.id <> NEW.id AND h.expires_at <= NEW.expires_at) THEN
        PERFORM pg_notify('wallet_wakeup', 'hold-expiry');
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS holds_watch ON holds;
CREATE TRIGGER holds_watch AFTER INSERT ON holds
    FOR EACH ROW EXECUTE FUNCTION holds_watch();
