-- The audit log is a record of what ops did; a record that can be edited proves nothing. No code
-- path updates, deletes or truncates it; these triggers make it impossible by hand too. (The test
-- fixture empties every table between tests: it switches the TRUNCATE trigger off for that one
-- statement, in its own transaction, as only the table's owner can.)
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'audit_log is append-only: truncate refused'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % of row % refused', lower(TG_OP), OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;

DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
