-- Monthly spending limits: month-to-date spend kept as usage is debited (never re-summed),
-- what was sent this month, and the wake-up when spend crosses 80% or 100% of the limit.

ALTER TABLE wallets
    -- The month (its first day, in the configured zone) that spend_month_to_date counts.
    ADD COLUMN spend_month DATE,
    ADD COLUMN spend_month_to_date NUMERIC(20,6) NOT NULL DEFAULT 0 CHECK (spend_month_to_date >= 0),
    -- The month whose "limit reached" alert was sent, and whose 80% heads-up was sent.
    ADD COLUMN spend_alert_month DATE,
    ADD COLUMN spend_warning_month DATE;

-- Only wallets at 80% of their limit or more are in this index.
CREATE INDEX wallets_budget_candidates ON wallets (account_id)
    WHERE spending_limit_enabled AND spend_month_to_date >= spending_limit_monthly * 0.8;
CREATE INDEX accounts_spending_blocks ON accounts (id)
    WHERE status = 'blocked' AND blocked_reason = 'spending_limit';

CREATE FUNCTION spend_level(enabled BOOLEAN, spend NUMERIC, monthly NUMERIC) RETURNS INTEGER
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN NOT enabled OR monthly IS NULL THEN 0
                WHEN spend >= monthly THEN 2
                WHEN spend >= monthly * 0.8 THEN 1
                ELSE 0 END
$$;

CREATE OR REPLACE FUNCTION wallets_watch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_level INTEGER;
    new_level INTEGER;
BEGIN
    IF NEW.low_balance_alerted_at IS NOT NULL
       AND (NOT NEW.low_balance_alert_enabled OR NEW.balance >= NEW.low_balance_alert_threshold) THEN
        NEW.low_balance_alerted_at := NULL;
    END IF;

    IF NEW.low_balance_alert_enabled AND NEW.balance < NEW.low_balance_alert_threshold
       AND NOT coalesce(OLD.low_balance_alert_enabled AND OLD.balance < OLD.low_balance_alert_threshold, FALSE) THEN
        PERFORM pg_notify('wallet_wakeup', 'low-balance-alerts');
    END IF;

    IF NEW.auto_topup_enabled AND NEW.balance < NEW.auto_topup_threshold
       AND NOT coalesce(OLD.auto_topup_enabled AND OLD.balance < OLD.auto_topup_threshold, FALSE) THEN
        PERFORM pg_notify('wallet_wakeup', 'auto-topup');
    END IF;

    -- Spend crossed 80% or 100% of the limit (a new month starts from zero), or the limit's
    -- settings changed (a raised limit may lift a block; a switch to "block" may impose one).
    new_level := spend_level(NEW.spending_limit_enabled, NEW.spend_month_to_date, NEW.spending_limit_monthly);
    old_level := spend_level(OLD.spending_limit_enabled, OLD.spend_month_to_date, OLD.spending_limit_monthly);
    IF OLD.spend_month IS DISTINCT FROM NEW.spend_month THEN
        old_level := 0;
    END IF;
    IF new_level > old_level
       OR (NEW.spending_limit_enabled, NEW.spending_limit_monthly, NEW.spending_limit_action)
          IS DISTINCT FROM (OLD.spending_limit_enabled, OLD.spending_limit_monthly, OLD.spending_limit_action) THEN
        PERFORM pg_notify('wallet_wakeup', 'budget-enforcement');
    END IF;

    RETURN NEW;
END
$$;
