-- The audit log is a record of what ops did; a record that can be edited proves nothing. No code
-- path updates or deletes a row; this trigger makes it impossible by hand too.
-- TRUNCATE is not refused: the test fixtures empty every table between tests with TRUNCATE, and
-- truncating needs the table owner's privilege, which the application never uses for it.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % of row % refused', lower(TG_OP), OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;

DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
