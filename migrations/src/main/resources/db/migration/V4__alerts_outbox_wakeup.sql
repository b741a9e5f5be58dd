-- Low-balance alert state, the mail outbox, and the trigger that wakes the daemon on a crossing.

-- NULL: armed (the next crossing below the threshold sends an alert).
-- Set: the alert for the current crossing was recorded at that time; re-armed when the balance is
-- back at or above the threshold (or the alert is switched off), by the trigger below.
ALTER TABLE wallets ADD COLUMN low_balance_alerted_at TIMESTAMPTZ;

-- Cheap candidate scans however many wallets there are: only wallets below their threshold and
-- still armed are in the index.
CREATE INDEX wallets_low_balance_candidates ON wallets (account_id)
    WHERE low_balance_alert_enabled
      AND low_balance_alerted_at IS NULL
      AND balance < low_balance_alert_threshold;

-- Every email, written in the same transaction as the state change that causes it. The dedupe key
-- names the event (kind, account, occurrence), so a second copy of one message cannot exist.
CREATE TABLE mail_outbox (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key      TEXT        NOT NULL UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 200),
    kind            TEXT        NOT NULL CHECK (kind ~ '^[a-z_]{1,50}$'),
    account_id      TEXT        NOT NULL REFERENCES accounts (id),
    recipient       TEXT        NOT NULL CHECK (length(recipient) <= 254 AND recipient !~ '[[:cntrl:]]'),
    -- What the template needs, captured when the event happened.
    payload         JSONB       NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    CONSTRAINT mail_outbox_sent_state CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_account ON mail_outbox (account_id, created_at DESC);

-- Runs on every wallet update (debits, credits, settings):
--  * re-arms the low-balance alert once the balance is back at or above the threshold;
--  * NOTIFYs the daemon when the wallet newly falls below an auto top-up or alert threshold, so
--    the matching job runs at once instead of at its next cron tick. NOTIFY is delivered at commit
--    (and not at all on rollback); identical payloads in one transaction are delivered once.
CREATE FUNCTION wallets_watch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.low_balance_alerted_at IS NOT NULL
       AND (NOT NEW.low_balance_alert_enabled OR NEW.balance >= NEW.low_balance_alert_threshold) THEN
        NEW.low_balance_alerted_at := NULL;
    END IF;

    IF NEW.low_balance_alert_enabled AND NEW.balance < NEW.low_balance_alert_threshold
       AND NOT coalesce(OLD.low_balance_alert_enabled AND OLD.balance < OLD.low_balance_alert_threshold, FALSE) THEN
        PERFORM pg_notify('wallet_wakeup', 'low-balance-alerts');
    END IF;

    IF NEW.auto_topup_enabled AND NEW.balance < NEW.auto_topup_threshold
       AND NOT coalesce(OLD.auto_topup_enabled AND OLD.balance < OLD.auto_topup_threshold, FALSE) THEN
        PERFORM pg_notify('wallet_wakeup', 'auto-topup');
    END IF;

    RETURN NEW;
END
$$;

CREATE TRIGGER wallets_watch BEFORE UPDATE ON wallets
    FOR EACH ROW EXECUTE FUNCTION wallets_watch();
