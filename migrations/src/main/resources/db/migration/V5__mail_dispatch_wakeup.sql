-- Wake the mail dispatcher when mail is queued, so an email leaves within moments of its event
-- rather than at the dispatcher's next tick. One notification per statement (and PostgreSQL
-- folds identical ones within a transaction).
CREATE FUNCTION mail_outbox_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('wallet_wakeup', 'mail-dispatch');
    RETURN NULL;
END
$$;

CREATE TRIGGER mail_outbox_queued AFTER INSERT ON mail_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_queued();
