-- API keys: shown once when issued, stored only as a SHA-256 hash (keys are 238 random bits, so a
-- fast hash is safe and lets every request be checked with one index lookup).
CREATE TABLE api_keys (
    id          TEXT        PRIMARY KEY CHECK (id ~ '^key_[a-z0-9]{16}$'),
    account_id  TEXT        NOT NULL REFERENCES accounts (id),
    key_hash    TEXT        NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    -- The first characters, to tell keys apart in ops output; not enough to use.
    prefix      TEXT        NOT NULL CHECK (length(prefix) = 12),
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);

CREATE INDEX api_keys_account ON api_keys (account_id) WHERE revoked_at IS NULL;
