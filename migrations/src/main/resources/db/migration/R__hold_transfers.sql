-- A hold and its capture, each as one function, so that the gateway's two calls around a model
-- call are one statement each, as a usage debit is (R__debit_usage.sql). Made in Java, a hold was
-- ten round trips and a capture eight, and a pair cost four times a usage event's CPU in the
-- daemon and in PostgreSQL (BENCHMARKS.md, benchmark 10). HoldTransfers (Java) checks the input,
-- prices the hold, words every refusal and logs; these functions decide and write, under the
-- wallet's row lock, taken first (then the hold), the order every writer of both follows.
--
-- Business time comes from the caller (the application's clock, which tests move), never now():
-- p_at stamps the rows, p_month is the first day of p_at's calendar month in the configured zone.
--
-- Both return an outcome and the hold's row, hold (Holds reads its columns, named as the table's,
-- with (f.hold).*). Refusals are returned, not raised, and write nothing. Both are dropped first,
-- so that a change of what they return applies (CREATE OR REPLACE cannot change it).
DROP FUNCTION IF EXISTS create_hold(TEXT, TEXT, TEXT, NUMERIC, TEXT, TEXT, BIGINT, BIGINT,
                                    TIMESTAMPTZ, TIMESTAMPTZ, DATE);
DROP FUNCTION IF EXISTS capture_hold(TEXT, TEXT, NUMERIC, TEXT, TEXT, TEXT, BIGINT, BIGINT, BIGINT,
                                     TEXT, TIMESTAMPTZ, DATE);

-- create_hold outcomes:
--   held                the new hold (balance and held: the wallet's, before it)
--   replay              the account's hold made earlier for p_request_id, whatever it became:
--                       the caller compares it with the request (a retry, or a reference conflict)
--   account_not_found   no wallet for p_account_id
--   account_blocked     blocked_reason
--   insufficient_funds  the available balance (balance - held) is below p_amount
--   spending_limit      a blocking limit would be passed by month-to-date spend + active holds +
--                       p_amount: the check is made where the money is reserved, so traffic that
--                       holds first overshoots a limit by no more than its captures exceed holds.
-- With the outcome come what the caller needs to word it: the wallet's balance, held and
-- currency, the blocking limit (null without one) and the month's spend.
CREATE OR REPLACE FUNCTION create_hold(
    p_hold_id        TEXT,
    p_account_id     TEXT,
    p_request_id     TEXT,
    p_amount         NUMERIC,
    p_model          TEXT,
    p_price_id       TEXT,
    p_max_input      BIGINT,
    p_max_output     BIGINT,
    p_at             TIMESTAMPTZ,
    p_expires_at     TIMESTAMPTZ,
    p_month          DATE,
    OUT outcome           TEXT,
    OUT balance           NUMERIC,
    OUT wallet_held       NUMERIC,
    OUT currency          TEXT,
    OUT blocked_reason    TEXT,
    OUT blocking_limit    NUMERIC,
    OUT month_spend       NUMERIC,
    OUT hold              holds)
LANGUAGE plpgsql AS $$
#variable_conflict error
BEGIN
    -- The wallet's lock in a statement of its own: each statement after it takes a fresh snapshot
    -- (VOLATILE, READ COMMITTED), so a block committed by the lock's previous holder is seen; a
    -- join locking only the wallet would re-read the account as it was before the wait.
    SELECT w.balance, w.held, w.currency,
           CASE WHEN w.spending_limit_enabled AND w.spending_limit_action = 'block'
                THEN w.spending_limit_monthly END,
           -- A counter a month ahead (a debit dated in the next month, or a node whose clock is
           -- ahead) still counts: the ledger keeps adding this month's usage to it.
           CASE WHEN w.spend_month >= p_month THEN w.spend_month_to_date ELSE 0 END
      INTO create_hold.balance, create_hold.wallet_held, create_hold.currency,
           create_hold.blocking_limit, create_hold.month_spend
      FROM wallets w
     WHERE w.account_id = p_account_id
       FOR UPDATE;
    IF NOT FOUND THEN
        outcome := 'account_not_found';
        RETURN;
    END IF;
    SELECT a.blocked_reason INTO create_hold.blocked_reason FROM accounts a
     WHERE a.id = p_account_id AND a.status = 'blocked';

    -- Under the wallet's lock: a hold made for the same id meanwhile is seen now.
    SELECT h.* INTO hold FROM holds h
     WHERE h.account_id = p_account_id AND h.request_id = p_request_id;
    IF hold.id IS NOT NULL THEN
        outcome := 'replay';
    ELSIF create_hold.blocked_reason IS NOT NULL THEN
        outcome := 'account_blocked';
        RETURN;
    ELSIF create_hold.balance - create_hold.wallet_held < p_amount THEN
        outcome := 'insufficient_funds';
        RETURN;
    ELSIF create_hold.blocking_limit IS NOT NULL
          AND create_hold.month_spend + create_hold.wallet_held + p_amount
              > create_hold.blocking_limit THEN
        outcome := 'spending_limit';
        RETURN;
    ELSE
        INSERT INTO holds AS h (id, account_id, request_id, status, amount, model, price_id,
                                max_input_tokens, max_output_tokens, created_at, expires_at)
        VALUES (p_hold_id, p_account_id, p_request_id, 'held', p_amount, p_model, p_price_id,
                p_max_input, p_max_output, p_at, p_expires_at)
        RETURNING h.* INTO hold;
        -- Fires wallets_watch: a hold that takes the available balance below a threshold wakes
        -- auto top-up and alerts at once.
        UPDATE wallets w SET held = w.held + p_amount, updated_at = p_at
         WHERE w.account_id = p_account_id;
        outcome := 'held';
    END IF;

END
$$;

-- capture_hold posts what the request actually used, p_cost (the caller priced it at the hold's
-- price version), and releases what the hold still reserved. Never refused for money (the usage
-- was served): above its hold, and even above the available balance, it posts, and the balance
-- may go below zero by that much -- the only way a balance becomes negative; capture_overdraft
-- records how far, as the wallet's CHECK requires. A hold that expired still posts (a late
-- settlement) and releases nothing, its expiry gave its amount back. Month-to-date spend counts
-- it as any usage (month_spend_after, R__debit_usage.sql).
-- Outcomes:
--   captured   the hold, captured; transaction_id and balance_after are those of its usage row,
--              both null for a capture of nothing
--   replay     the hold was captured before: its first result (p_cost is not compared)
--   released   the hold was released: it can no longer be captured
--   not_found  no hold p_hold_id of p_account_id
CREATE OR REPLACE FUNCTION capture_hold(
    p_hold_id       TEXT,
    p_account_id    TEXT,
    p_cost          NUMERIC,
    p_txn_id        TEXT,
    p_description   TEXT,
    p_model         TEXT,
    p_input         BIGINT,
    p_output        BIGINT,
    p_cached        BIGINT,
    p_price_id      TEXT,
    p_at            TIMESTAMPTZ,
    p_month         DATE,
    OUT outcome           TEXT,
    OUT released          NUMERIC,
    OUT balance_after     NUMERIC,
    OUT hold              holds)
LANGUAGE plpgsql AS $$
#variable_conflict error
DECLARE
    v_balance    NUMERIC;
    v_month      DATE;
    v_spend      NUMERIC;
BEGIN
    -- The wallet first, then the hold: the order of every writer of both.
    SELECT w.balance, w.spend_month, w.spend_month_to_date INTO v_balance, v_month, v_spend
      FROM wallets w WHERE w.account_id = p_account_id FOR UPDATE;
    SELECT h.* INTO hold FROM holds h
     WHERE h.id = p_hold_id AND h.account_id = p_account_id FOR UPDATE;
    IF hold.id IS NULL THEN
        outcome := 'not_found';
        RETURN;
    ELSIF hold.status = 'captured' THEN
        outcome := 'replay';
        SELECT t.balance_after INTO capture_hold.balance_after FROM wallet_transactions t
         WHERE t.id = hold.transaction_id;
    ELSIF hold.status = 'released' THEN
        outcome := 'released';
    ELSE
        -- An expired hold reserves nothing any more: its late capture releases nothing.
        released := CASE WHEN hold.status = 'held' THEN hold.amount ELSE 0 END;
        IF p_cost > 0 THEN
            balance_after := v_balance - p_cost;
            UPDATE wallets w
               SET balance = capture_hold.balance_after,
                   held = w.held - capture_hold.released,
                   updated_at = p_at,
                   spend_month_to_date = month_spend_after(v_month, v_spend, p_month, p_cost),
                   spend_month = GREATEST(v_month, p_month),
                   capture_overdraft = GREATEST(0, -capture_hold.balance_after)
             WHERE w.account_id = p_account_id;
            INSERT INTO wallet_transactions (id, account_id, type, amount, balance_after,
                                             description, created_at, model, input_tokens,
                                             output_tokens, cached_input_tokens, price_id,
                                             event_at, hold_id)
            VALUES (p_txn_id, p_account_id, 'usage', -p_cost, capture_hold.balance_after,
                    p_description, p_at, p_model, p_input, p_output, p_cached, p_price_id, p_at,
                    p_hold_id);
        ELSIF capture_hold.released > 0 THEN
            UPDATE wallets w SET held = w.held - capture_hold.released, updated_at = p_at
             WHERE w.account_id = p_account_id;
        END IF;
        UPDATE holds h
           SET status = 'captured', settled_at = p_at, captured_amount = p_cost,
               transaction_id = CASE WHEN p_cost > 0 THEN p_txn_id END
         WHERE h.id = p_hold_id
        RETURNING h.* INTO hold;
        outcome := 'captured';
    END IF;

END
$$;
