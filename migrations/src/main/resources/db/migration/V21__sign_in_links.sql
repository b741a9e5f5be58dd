-- Sign-in by emailed link: one row per request for a link, per account of the address (none when
-- no account has it, so requests for unknown addresses are rate-limited the same way). The link's
-- token is stored only as a SHA-256 hash (256 random bits: a fast hash is safe), and the address
-- only as the hash of its lower-case form: the table says nothing an attacker could use.
CREATE TABLE sign_in_links (
    id           TEXT        PRIMARY KEY CHECK (id ~ '^sil_[a-z0-9]{16}$'),
    request_id   TEXT        NOT NULL CHECK (request_id ~ '^sir_[a-z0-9]{16}$'),
    email_hash   TEXT        NOT NULL CHECK (email_hash ~ '^[0-9a-f]{64}$'),
    account_id   TEXT        REFERENCES accounts (id),
    token_hash   TEXT        UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ,
    -- A link exists exactly for a known account.
    CONSTRAINT sign_in_links_token CHECK ((account_id IS NULL) = (token_hash IS NULL)),
    CONSTRAINT sign_in_links_used CHECK (used_at IS NULL OR account_id IS NOT NULL)
);

-- The rate limit counts an address's recent requests.
CREATE INDEX sign_in_links_recent ON sign_in_links (email_hash, created_at);

-- A request for a link finds the accounts of an address whatever its case.
CREATE INDEX accounts_email_lower ON accounts (lower(email));
