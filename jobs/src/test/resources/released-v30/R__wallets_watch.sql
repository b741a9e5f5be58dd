-- The wallet's change trigger, in its one current definition (V4 created it, V7 added the spending
-- limit; its body lives here from then on, replaced whenever this file changes).
--
-- Runs on every wallet update (debits, credits, settings):
--  * re-arms the low-balance alert once the balance is back at or above the threshold;
--  * NOTIFYs the daemon when the wallet newly falls below an auto top-up or alert threshold, so
--    the matching job runs at once instead of at its next cron tick. NOTIFY is delivered at commit
--    (and not at all on rollback); identical payloads in one transaction are delivered once.
--  * NOTIFYs budget enforcement when spend crosses 80% or 100% of the limit, or the limit's
--    settings change.
-- Each payload is the name of a registered job (WalletJobs; a test checks them).

-- 0 below 80% of the limit (or no limit), 1 from 80%, 2 at or over the limit.
CREATE OR REPLACE FUNCTION spend_level(enabled BOOLEAN, spend NUMERIC, monthly NUMERIC) RETURNS INTEGER
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

DROP TRIGGER IF EXISTS wallets_watch ON wallets;
CREATE TRIGGER wallets_watch BEFORE UPDATE ON wallets
    FOR EACH ROW EXECUTE FUNCTION wallets_watch();
