-- A usage debit as one function, so that the application sends one statement per debit: debits/s
-- is bounded by round trips, and the lock, the checks and the write were four of them. (V9 created
-- it; its body lives here from V12 on, replaced whenever this file changes.)
--
-- Business time comes from the caller (the application's clock, which tests move), never now():
-- p_at stamps the ledger row and the wallet, p_month is the first day of p_at's calendar month in
-- the configured zone, the month that spend_month_to_date counts.
--
-- Month-to-date spend only ever moves forward in months. A debit of a later month than the
-- counter's starts the counter again from that debit. A debit of an earlier month than the
-- counter's -- stamped just before midnight by a process whose clock is a few milliseconds behind
-- the one that already started the new month -- never resets it: it is counted toward the month
-- the counter is in (the current one), so no spend is ever lost and a limit errs on the side of
-- the owner's cap. The ledger row keeps its own time, p_at. (Processes with different TIME_ZONE
-- values would disagree by hours, not milliseconds: they refuse to start, see V12.)
--
-- Refusals are returned, not raised, in outcome, with what the caller needs to word them:
--   posted              the new ledger row
--   replay              the first ledger row with p_reference (whatever its type and amount:
--                       the caller decides between replaying it and a reference conflict)
--   account_not_found   no wallet for p_account_id
--   account_blocked     blocked_reason
--   insufficient_funds  balance, the available balance (balance - held) the debit would have
--                       taken below zero
-- so that the function never aborts the caller's transaction, and nothing is written unless posted.
--
-- VOLATILE (the default) matters: under READ COMMITTED each statement below takes a fresh
-- snapshot, so once the wallet lock is held, a block or a posting with the same reference
-- committed by whoever held that lock before is seen.

-- Month-to-date spend after a debit of p_amount in p_month, the rule above in one place for every
-- debit made in SQL (debit_usage, capture_hold); spend_month becomes GREATEST(spend_month, p_month).
CREATE OR REPLACE FUNCTION month_spend_after(
    spend_month DATE, spend_month_to_date NUMERIC, p_month DATE, p_amount NUMERIC)
    RETURNS NUMERIC LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN spend_month IS NULL OR p_month > spend_month THEN p_amount
                ELSE spend_month_to_date + p_amount END
$$;

CREATE OR REPLACE FUNCTION debit_usage(
    p_account_id  TEXT,
    p_amount      NUMERIC,
    p_description TEXT,
    p_reference   TEXT,
    p_txn_id      TEXT,
    p_at          TIMESTAMPTZ,
    p_month       DATE,
    OUT outcome        TEXT,
    OUT blocked_reason TEXT,
    OUT balance        NUMERIC,
    OUT id             TEXT,
    OUT account_id     TEXT,
    OUT type           TEXT,
    OUT amount         NUMERIC,
    OUT balance_after  NUMERIC,
    OUT description    TEXT,
    OUT reference      TEXT,
    OUT related_txn_id TEXT,
    OUT created_at     TIMESTAMPTZ)
LANGUAGE plpgsql AS $$
#variable_conflict error
DECLARE
    posting wallet_transactions;
    v_held  NUMERIC;
BEGIN
    -- The wallet row first, as Accounts and the month rollover lock it: no deadlock between them.
    SELECT w.balance, w.held INTO debit_usage.balance, v_held FROM wallets w
     WHERE w.account_id = p_account_id FOR UPDATE;
    IF NOT FOUND THEN
        outcome := 'account_not_found';
        RETURN;
    END IF;

    -- A replay wins over a block, as a request already debited was allowed when it was.
    IF p_reference IS NOT NULL THEN
        SELECT t.* INTO posting FROM wallet_transactions t
         WHERE t.account_id = p_account_id AND t.reference = p_reference;
    END IF;

    IF posting.id IS NOT NULL THEN
        outcome := 'replay';
    ELSE
        SELECT a.blocked_reason INTO debit_usage.blocked_reason FROM accounts a
         WHERE a.id = p_account_id AND a.status = 'blocked';
        IF debit_usage.blocked_reason IS NOT NULL THEN
            outcome := 'account_blocked';
            RETURN;
        END IF;
        -- Active holds are reserved: usage is checked against the available balance.
        IF debit_usage.balance - v_held - p_amount < 0 THEN
            outcome := 'insufficient_funds';
            debit_usage.balance := debit_usage.balance - v_held;
            RETURN;
        END IF;

        -- Month-to-date spend is kept with the balance, so budget checks never re-sum the ledger;
        -- the first debit of a later month starts the counter again, a debit of an earlier month
        -- counts toward the counter's month (see above). This UPDATE fires wallets_watch.
        UPDATE wallets w
           SET balance = debit_usage.balance - p_amount,
               updated_at = p_at,
               spend_month_to_date = month_spend_after(w.spend_month, w.spend_month_to_date,
                                                       p_month, p_amount),
               spend_month = GREATEST(w.spend_month, p_month)
         WHERE w.account_id = p_account_id;
        INSERT INTO wallet_transactions AS t
               (id, account_id, type, amount, balance_after, description, reference,
                related_txn_id, created_at)
        VALUES (p_txn_id, p_account_id, 'usage', -p_amount, debit_usage.balance - p_amount,
                p_description, p_reference, NULL, p_at)
        RETURNING t.* INTO posting;
        outcome := 'posted';
    END IF;

    id := posting.id;
    account_id := posting.account_id;
    type := posting.type;
    amount := posting.amount;
    balance_after := posting.balance_after;
    description := posting.description;
    reference := posting.reference;
    related_txn_id := posting.related_txn_id;
    created_at := posting.created_at;
END
$$;
