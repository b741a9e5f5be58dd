-- Metering: service keys for the AI API's gateway, versioned per-model prices, and what a usage
-- row of the ledger keeps of the event it posted.

-- A service key lets the metered service (the gateway) post usage for any account, and nothing
-- else. Shown once when created; only its SHA-256 hash is kept (keys are 238 random bits).
CREATE TABLE service_keys (
    id            TEXT        PRIMARY KEY CHECK (id ~ '^skey_[a-z0-9]{16}$'),
    name          TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 100
                                              AND name ~ '^[A-Za-z0-9][A-Za-z0-9 ._-]*$'),
    key_hash      TEXT        NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    -- The first characters, to tell keys apart in ops output; not enough to use.
    prefix        TEXT        NOT NULL CHECK (length(prefix) = 12),
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);

-- A name says which gateway a key belongs to: one active key per name.
CREATE UNIQUE INDEX service_keys_active_name ON service_keys (name) WHERE revoked_at IS NULL;

-- Prices in USD (the wallet's currency) per 1,000,000 tokens. A version is never edited or
-- deleted (a trigger in R__model_prices_append_only.sql refuses it); a new version applies from
-- its effective_from, so an event is priced by the version in force at its timestamp.
CREATE TABLE model_prices (
    id                     TEXT          PRIMARY KEY CHECK (id ~ '^price_[a-z0-9]{16}$'),
    model                  TEXT          NOT NULL CHECK (length(model) BETWEEN 1 AND 100
                                                         AND model ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]*$'),
    input_per_mtok         NUMERIC(20,6) NOT NULL CHECK (input_per_mtok >= 0),
    output_per_mtok        NUMERIC(20,6) NOT NULL CHECK (output_per_mtok >= 0),
    -- NULL: cached input tokens cost the input price.
    cached_input_per_mtok  NUMERIC(20,6) CHECK (cached_input_per_mtok >= 0),
    effective_from         TIMESTAMPTZ   NOT NULL,
    created_at             TIMESTAMPTZ   NOT NULL,
    CONSTRAINT model_prices_one_version_at_a_time UNIQUE (model, effective_from)
);

-- A usage row posted for a priced event keeps the model, its token counts and the price version;
-- any usage row posted through the metering API keeps the event's own timestamp (spending limits
-- count it by posting time, created_at).
ALTER TABLE wallet_transactions
    ADD COLUMN model               TEXT   CHECK (length(model) <= 100),
    ADD COLUMN input_tokens        BIGINT CHECK (input_tokens BETWEEN 0 AND 999999999999),
    ADD COLUMN output_tokens       BIGINT CHECK (output_tokens BETWEEN 0 AND 999999999999),
    ADD COLUMN cached_input_tokens BIGINT CHECK (cached_input_tokens BETWEEN 0 AND 999999999999),
    ADD COLUMN price_id            TEXT   REFERENCES model_prices (id),
    ADD COLUMN event_at            TIMESTAMPTZ,
    ADD CONSTRAINT wallet_transactions_priced CHECK (
        (model IS NULL) = (price_id IS NULL)
        AND (model IS NULL) = (input_tokens IS NULL)
        AND (model IS NULL) = (output_tokens IS NULL)
        AND (model IS NULL OR type = 'usage')
        AND (event_at IS NULL OR type = 'usage'));
