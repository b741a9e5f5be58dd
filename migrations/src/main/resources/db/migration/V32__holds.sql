-- Holds: a two-phase transfer for usage whose cost is only known after it was served. A hold
-- reserves the worst case; its capture posts the actual cost as one usage row and releases the
-- rest; a release or the expiry job gives it all back.

-- What active holds reserve, kept on the wallet row so that every single-row rule (the candidate
-- indexes, the wallets_watch trigger) sees the available balance without a join or a sum.
-- available is STORED (PostgreSQL 18 would make it VIRTUAL otherwise, which cannot be indexed).
ALTER TABLE wallets
    ADD COLUMN held      NUMERIC(20,6) NOT NULL DEFAULT 0 CHECK (held >= 0),
    ADD COLUMN available NUMERIC(20,6) GENERATED ALWAYS AS (balance - held) STORED;

-- Served usage is never refused: a capture above its hold and the available balance still posts,
-- and only a capture may take a balance below zero. capture_overdraft is how far captures took it
-- below zero and credits have not yet made good: written by the capture (Ledger.postCapture) and
-- reduced by credits, never by anything else, so CHECK (balance >= 0) becomes
-- CHECK (balance >= -capture_overdraft): any other change that would leave the balance below zero,
-- or below where the captures left it, is still refused by the database.
ALTER TABLE wallets
    ADD COLUMN capture_overdraft NUMERIC(20,6) NOT NULL DEFAULT 0 CHECK (capture_overdraft >= 0),
    DROP CONSTRAINT wallets_balance_check,
    ADD CONSTRAINT wallets_balance_check CHECK (balance >= -capture_overdraft);

CREATE TABLE holds (
    id               TEXT          PRIMARY KEY CHECK (id ~ '^hold_[a-z0-9]{24}$'),
    account_id       TEXT          NOT NULL REFERENCES accounts (id),
    -- The caller's id: the same id again is the same hold.
    request_id       TEXT          NOT NULL CHECK (length(request_id) BETWEEN 1 AND 255
                                                   AND request_id !~ '[[:cntrl:]]'),
    -- held -> captured | released | expired; expired -> captured (a late settlement still posts)
    -- | released (the client gave it up: no late capture then).
    status           TEXT          NOT NULL CHECK (status IN ('held', 'captured', 'released', 'expired')),
    amount           NUMERIC(20,6) NOT NULL CHECK (amount > 0),
    -- A hold of a model keeps the price version its worst case was priced at; its capture is
    -- priced at the same version.
    model            TEXT          CHECK (length(model) <= 100),
    price_id         TEXT          REFERENCES model_prices (id),
    max_input_tokens  BIGINT       CHECK (max_input_tokens BETWEEN 0 AND 999999999999),
    max_output_tokens BIGINT       CHECK (max_output_tokens BETWEEN 0 AND 999999999999),
    created_at       TIMESTAMPTZ   NOT NULL,
    expires_at       TIMESTAMPTZ   NOT NULL,
    -- When it left held (captured, released or expired); a late capture or a release after the
    -- expiry keeps its expiry time in expired_at and sets settled_at again.
    settled_at       TIMESTAMPTZ,
    expired_at       TIMESTAMPTZ,
    captured_amount  NUMERIC(20,6) CHECK (captured_amount >= 0),
    -- The usage row of the capture (none for a capture of 0).
    transaction_id   TEXT          UNIQUE,
    CONSTRAINT holds_request_unique UNIQUE (account_id, request_id),
    CONSTRAINT holds_expiry_after_creation CHECK (expires_at > created_at),
    CONSTRAINT holds_settled CHECK ((status = 'held') = (settled_at IS NULL)),
    CONSTRAINT holds_captured CHECK ((status = 'captured') = (captured_amount IS NOT NULL)),
    CONSTRAINT holds_capture_row CHECK (transaction_id IS NULL OR status = 'captured'),
    CONSTRAINT holds_priced CHECK ((model IS NULL) = (price_id IS NULL)
                                   AND (model IS NULL) = (max_input_tokens IS NULL)
                                   AND (model IS NULL) = (max_output_tokens IS NULL))
);

-- The expiry job's scan and its next wake-up: only active holds are in it.
CREATE INDEX holds_active_by_expiry ON holds (expires_at) WHERE status = 'held';
CREATE INDEX holds_by_account ON holds (account_id, created_at DESC);

-- A capture's usage row points at its hold: at most one row per hold, whoever retries.
ALTER TABLE wallet_transactions
    ADD COLUMN hold_id TEXT REFERENCES holds (id),
    ADD CONSTRAINT wallet_transactions_hold_usage CHECK (hold_id IS NULL OR type = 'usage');
CREATE UNIQUE INDEX wallet_transactions_one_capture ON wallet_transactions (hold_id)
    WHERE hold_id IS NOT NULL;
ALTER TABLE holds ADD CONSTRAINT holds_transaction FOREIGN KEY (transaction_id)
    REFERENCES wallet_transactions (id);

-- A ledger row below zero only for a capture, or a credit raising a balance a capture left below
-- zero (which may still leave it below zero); a usage row without a hold never goes below zero.
ALTER TABLE wallet_transactions DROP CONSTRAINT wallet_transactions_balance_after_check;
ALTER TABLE wallet_transactions ADD CONSTRAINT wallet_transactions_balance_after CHECK (
    balance_after >= 0 OR hold_id IS NOT NULL OR amount > 0);

-- Thresholds act on the available balance: a large hold can start a top-up before its capture.
-- The predicates are Wallets.AUTO_TOPUP_CANDIDATE and LOW_BALANCE_CANDIDATE (a test compares).
DROP INDEX wallets_auto_topup_candidates;
CREATE INDEX wallets_auto_topup_candidates ON wallets (account_id)
    WHERE auto_topup_enabled
      AND available < auto_topup_threshold
      AND stripe_customer_id IS NOT NULL
      AND stripe_payment_method_id IS NOT NULL;
DROP INDEX wallets_low_balance_candidates;
CREATE INDEX wallets_low_balance_candidates ON wallets (account_id)
    WHERE low_balance_alert_enabled
      AND low_balance_alerted_at IS NULL
      AND available < low_balance_alert_threshold;
