-- Wake the mail dispatcher when mail is queued, so an email leaves within moments of its event
-- rather than at the dispatcher's next tick. One notification per statement (and PostgreSQL
-- folds identical ones within a transaction). V5 created it; its body lives here from then on.
-- The payload is the name of a registered job (WalletJobs; a test checks it).
CREATE OR REPLACE FUNCTION mail_outbox_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('wallet_wakeup', 'mail-dispatch');
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS mail_outbox_queued ON mail_outbox;
CREATE TRIGGER mail_outbox_queued AFTER INSERT ON mail_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_queued();
