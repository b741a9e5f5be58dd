-- Accounts, their wallets (balance and settings) and the append-only ledger.
--
-- Money is NUMERIC(20,6) everywhere: exact, and six decimals hold sub-cent usage charges
-- such as 0.0004 or 0.000015. The CHECK constraints are the last line of defence: the
-- application validates first, but a bad state must be impossible even for a hand-written UPDATE.

CREATE TABLE accounts (
    id              TEXT        PRIMARY KEY CHECK (id ~ '^acct_[a-z0-9]{16}$'),
    email           TEXT        NOT NULL CHECK (length(email) <= 254
                                                AND email ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$'),
    display_name    TEXT        CHECK (length(display_name) BETWEEN 1 AND 200
                                       AND display_name !~ '[[:cntrl:]]'),
    status          TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    blocked_reason  TEXT        CHECK (length(blocked_reason) BETWEEN 1 AND 200
                                       AND blocked_reason !~ '[[:cntrl:]]'),
    blocked_since   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    -- A blocked account always says why and since when; an active one carries neither.
    CONSTRAINT accounts_block_state CHECK (
        (status = 'active' AND blocked_reason IS NULL AND blocked_since IS NULL)
        OR (status = 'blocked' AND blocked_reason IS NOT NULL AND blocked_since IS NOT NULL))
);

-- One wallet per account (the primary key is the account id). The owner's settings live on
-- the wallet row itself so that "balance below my threshold" is a single-row condition:
-- partial indexes and the change triggers of later migrations can test it without a join.
CREATE TABLE wallets (
    account_id                  TEXT          PRIMARY KEY REFERENCES accounts (id),
    currency                    CHAR(3)       NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    balance                     NUMERIC(20,6) NOT NULL DEFAULT 0 CHECK (balance >= 0),

    auto_topup_enabled          BOOLEAN       NOT NULL DEFAULT FALSE,
    auto_topup_threshold        NUMERIC(20,6) CHECK (auto_topup_threshold >= 0),
    -- A top-up is charged to a card: whole cents, within the self-serve range of the bonus tiers.
    auto_topup_amount           NUMERIC(20,6) CHECK (auto_topup_amount >= 10 AND auto_topup_amount < 500
                                                     AND auto_topup_amount = round(auto_topup_amount, 2)),
    stripe_customer_id          TEXT          CHECK (stripe_customer_id ~ '^cus_[A-Za-z0-9]{1,250}$'),
    stripe_payment_method_id    TEXT          CHECK (stripe_payment_method_id ~ '^pm_[A-Za-z0-9_]{1,250}$'),

    low_balance_alert_enabled   BOOLEAN       NOT NULL DEFAULT FALSE,
    low_balance_alert_threshold NUMERIC(20,6) CHECK (low_balance_alert_threshold >= 0),

    spending_limit_enabled      BOOLEAN       NOT NULL DEFAULT FALSE,
    spending_limit_monthly      NUMERIC(20,6) CHECK (spending_limit_monthly >= 0),
    spending_limit_action       TEXT          NOT NULL DEFAULT 'block'
                                              CHECK (spending_limit_action IN ('block', 'alert')),

    updated_at                  TIMESTAMPTZ   NOT NULL,

    -- A feature can only be on when the values it acts on are set.
    CONSTRAINT wallets_auto_topup_complete CHECK (
        NOT auto_topup_enabled OR (auto_topup_threshold IS NOT NULL AND auto_topup_amount IS NOT NULL)),
    CONSTRAINT wallets_alert_complete CHECK (
        NOT low_balance_alert_enabled OR low_balance_alert_threshold IS NOT NULL),
    CONSTRAINT wallets_limit_complete CHECK (
        NOT spending_limit_enabled OR spending_limit_monthly IS NOT NULL)
);

-- The ledger: one row per balance change, never updated or deleted.
CREATE TABLE wallet_transactions (
    id              TEXT          PRIMARY KEY CHECK (id ~ '^txn_[a-z0-9]{24}$'),
    -- Total order of a wallet's history (created_at can tie); pagination keys on it.
    seq             BIGINT        GENERATED ALWAYS AS IDENTITY UNIQUE,
    account_id      TEXT          NOT NULL REFERENCES accounts (id),
    type            TEXT          NOT NULL CHECK (type IN ('topup', 'usage', 'refund', 'bonus')),
    amount          NUMERIC(20,6) NOT NULL,
    balance_after   NUMERIC(20,6) NOT NULL CHECK (balance_after >= 0),
    description     TEXT          NOT NULL CHECK (length(description) <= 500 AND description !~ '[[:cntrl:]]'),
    -- The caller's idempotency key: a usage request id, a payment id, an ops reference.
    reference       TEXT          CHECK (length(reference) BETWEEN 1 AND 255 AND reference !~ '[[:cntrl:]]'),
    -- A bonus points at the top-up that earned it.
    related_txn_id  TEXT          REFERENCES wallet_transactions (id),
    created_at      TIMESTAMPTZ   NOT NULL,

    CONSTRAINT wallet_transactions_sign CHECK (
        (type = 'usage' AND amount < 0) OR (type <> 'usage' AND amount > 0)),
    -- Only a bonus links to another row (an ops-granted bonus links to nothing).
    CONSTRAINT wallet_transactions_bonus_link CHECK (related_txn_id IS NULL OR type = 'bonus'),
    CONSTRAINT wallet_transactions_reference_unique UNIQUE (account_id, reference)
);

CREATE INDEX wallet_transactions_history ON wallet_transactions (account_id, seq DESC);
-- At most one bonus for a top-up, whatever path credited it.
CREATE UNIQUE INDEX wallet_transactions_one_bonus ON wallet_transactions (related_txn_id)
    WHERE related_txn_id IS NOT NULL;
