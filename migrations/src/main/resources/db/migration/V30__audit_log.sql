-- Who did what, when, to what, and why: one row per ops action (block, unblock, credit, key
-- rotation, job trigger, ...), written in the action's own transaction so that an action and its
-- row commit together or not at all. Append-only: R__audit_log_append_only.sql refuses updates
-- and deletes.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    operator    text NOT NULL,
    action      text NOT NULL,
    target_kind text NOT NULL,
    target_id   text NOT NULL,
    -- No foreign key: the record of an action outlives whatever it was done to.
    account_id  text,
    reason      text,
    before      jsonb,
    after       jsonb,
    -- What the action refers to, such as the transaction a refund is for, or a job's run request.
    refers_to   text
);

-- audit list filters by account or by operator, newest first.
CREATE INDEX audit_log_account ON audit_log (account_id, id DESC) WHERE account_id IS NOT NULL;
CREATE INDEX audit_log_operator ON audit_log (operator, id DESC);
