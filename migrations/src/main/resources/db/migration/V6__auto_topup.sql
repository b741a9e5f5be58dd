-- Auto top-up: attempt rows (committed before Stripe is called), and the wallet's failure state.

ALTER TABLE wallets
    -- Declines in a row; reset by a successful top-up or when the owner re-enables auto top-up.
    ADD COLUMN auto_topup_failures INTEGER NOT NULL DEFAULT 0 CHECK (auto_topup_failures >= 0),
    -- No new attempt before this time (the cool-down after a decline).
    ADD COLUMN auto_topup_retry_after TIMESTAMPTZ,
    -- Why auto top-up was switched off by the system (NULL when the owner switched it).
    ADD COLUMN auto_topup_disabled_reason TEXT CHECK (length(auto_topup_disabled_reason) <= 500);

-- Only wallets below their auto top-up threshold with a card on file are in this index: the
-- candidate scan stays cheap however many wallets there are.
CREATE INDEX wallets_auto_topup_candidates ON wallets (account_id)
    WHERE auto_topup_enabled
      AND balance < auto_topup_threshold
      AND stripe_customer_id IS NOT NULL
      AND stripe_payment_method_id IS NOT NULL;

CREATE TABLE topup_attempts (
    id                  TEXT          PRIMARY KEY CHECK (id ~ '^tpa_[a-z0-9]{24}$'),
    account_id          TEXT          NOT NULL REFERENCES accounts (id),
    -- pending -> succeeded | failed | requires_action; requires_action -> succeeded | failed.
    status              TEXT          NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'requires_action')),
    amount              NUMERIC(20,6) NOT NULL CHECK (amount >= 10 AND amount < 500 AND amount = round(amount, 2)),
    currency            CHAR(3)       NOT NULL,
    stripe_customer_id  TEXT          NOT NULL,
    payment_method_id   TEXT          NOT NULL,
    -- Sent with every request for this attempt: Stripe answers a repeat with the first outcome.
    idempotency_key     TEXT          NOT NULL UNIQUE,
    payment_intent_id   TEXT          UNIQUE,
    -- Committed before the first request: from then on the charge may exist at Stripe, and the
    -- attempt can only be resolved by asking Stripe, never cancelled.
    charge_requested_at TIMESTAMPTZ,
    requests            INTEGER       NOT NULL DEFAULT 0 CHECK (requests >= 0),
    next_try_at         TIMESTAMPTZ   NOT NULL,
    failure_code        TEXT,
    failure_message     TEXT,
    created_at          TIMESTAMPTZ   NOT NULL,
    updated_at          TIMESTAMPTZ   NOT NULL,
    resolved_at         TIMESTAMPTZ,
    CONSTRAINT topup_attempts_resolved CHECK ((status IN ('succeeded', 'failed')) = (resolved_at IS NOT NULL)),
    CONSTRAINT topup_attempts_paid CHECK (status <> 'succeeded' OR payment_intent_id IS NOT NULL)
);

-- One attempt in flight per account, whoever claims it.
CREATE UNIQUE INDEX topup_attempts_one_in_flight ON topup_attempts (account_id)
    WHERE status IN ('pending', 'requires_action');
CREATE INDEX topup_attempts_due ON topup_attempts (next_try_at) WHERE status IN ('pending', 'requires_action');
CREATE INDEX topup_attempts_by_account ON topup_attempts (account_id, created_at DESC);

-- Stripe events already handled: a repeated delivery is a no-op.
CREATE TABLE stripe_events (
    id          TEXT        PRIMARY KEY,
    type        TEXT        NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
