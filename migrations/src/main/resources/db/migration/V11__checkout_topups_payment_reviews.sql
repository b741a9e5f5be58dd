-- Checkout top-ups recorded when they are started, payments a person must look at, and the attempt
-- state for a charge that cannot be credited automatically.

-- Every Checkout top-up the wallet API started, committed before Stripe is asked for the session.
-- Only these are credited, and with the amount and bonus recorded here: a paid session this worker
-- did not start, or one whose amount or currency differs, credits nothing and becomes a review.
CREATE TABLE checkout_topups (
    id              TEXT          PRIMARY KEY CHECK (id ~ '^ctu_[a-z0-9]{24}$'),
    account_id      TEXT          NOT NULL REFERENCES accounts (id),
    amount          NUMERIC(20,6) NOT NULL CHECK (amount >= 10 AND amount < 500 AND amount = round(amount, 2)),
    bonus           NUMERIC(20,6) NOT NULL CHECK (bonus >= 0 AND bonus = round(bonus, 2)),
    bonus_percent   INTEGER       NOT NULL CHECK (bonus_percent BETWEEN 0 AND 100),
    currency        CHAR(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Set once Stripe has answered; a session paid without it is still found by its metadata.
    session_id      TEXT          UNIQUE CHECK (session_id ~ '^cs_[A-Za-z0-9_]{1,250}$'),
    -- open -> credited | expired | needs_review
    status          TEXT          NOT NULL CHECK (status IN ('open', 'credited', 'expired', 'needs_review')),
    transaction_id  TEXT          UNIQUE REFERENCES wallet_transactions (id),
    created_at      TIMESTAMPTZ   NOT NULL,
    completed_at    TIMESTAMPTZ,
    CONSTRAINT checkout_topups_credited CHECK ((status = 'credited') = (transaction_id IS NOT NULL)),
    CONSTRAINT checkout_topups_completed CHECK ((status = 'open') = (completed_at IS NULL))
);

CREATE INDEX checkout_topups_by_account ON checkout_topups (account_id, created_at DESC);

-- Money Stripe took that the wallet did not credit, because crediting it automatically would be
-- wrong: another currency than the wallet's, another amount than asked for, a session this worker
-- never started, a second completion of a credited session that disagrees with the first. Stripe
-- is told "received" (so it stops retrying) and a person decides. One row per object and reason.
CREATE TABLE payment_reviews (
    id                 BIGINT        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reason             TEXT          NOT NULL CHECK (reason IN (
                                         'currency_mismatch', 'amount_mismatch', 'unknown_session',
                                         'session_conflict')),
    -- The PaymentIntent (pi_…) or Checkout Session (cs_…) Stripe reported.
    stripe_object_id   TEXT          NOT NULL CHECK (length(stripe_object_id) BETWEEN 1 AND 255
                                                     AND stripe_object_id !~ '[[:cntrl:]]'),
    stripe_event_id    TEXT          CHECK (length(stripe_event_id) <= 255),
    -- The account Stripe's metadata named; it may not exist here, so no foreign key.
    account_id         TEXT          CHECK (length(account_id) <= 255 AND account_id !~ '[[:cntrl:]]'),
    attempt_id         TEXT          REFERENCES topup_attempts (id),
    checkout_topup_id  TEXT          REFERENCES checkout_topups (id),
    -- What Stripe says was paid, in its minor unit, and what the wallet expected.
    paid_minor         BIGINT,
    paid_currency      CHAR(3),
    expected_amount    NUMERIC(20,6),
    expected_currency  CHAR(3),
    message            TEXT          NOT NULL CHECK (length(message) <= 1000),
    created_at         TIMESTAMPTZ   NOT NULL,
    resolved_at        TIMESTAMPTZ,
    resolution         TEXT          CHECK (length(resolution) BETWEEN 1 AND 500 AND resolution !~ '[[:cntrl:]]'),
    CONSTRAINT payment_reviews_resolved CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
    CONSTRAINT payment_reviews_once UNIQUE (stripe_object_id, reason)
);

CREATE INDEX payment_reviews_open ON payment_reviews (created_at) WHERE resolved_at IS NULL;

-- An auto top-up whose charge succeeded at Stripe but cannot be credited (another currency or
-- amount than the attempt's) waits for a person as needs_review. It stays "in flight": no new
-- attempt is made for the account until the review is resolved, so the owner is never charged
-- again for a top-up that was paid but not credited.
ALTER TABLE topup_attempts DROP CONSTRAINT topup_attempts_status_check;
ALTER TABLE topup_attempts ADD CONSTRAINT topup_attempts_status_check
    CHECK (status IN ('pending', 'succeeded', 'failed', 'requires_action', 'needs_review'));

DROP INDEX topup_attempts_one_in_flight;
CREATE UNIQUE INDEX topup_attempts_one_in_flight ON topup_attempts (account_id)
    WHERE status IN ('pending', 'requires_action', 'needs_review');
