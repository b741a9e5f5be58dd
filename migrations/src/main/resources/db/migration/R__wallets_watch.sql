-- The wallet's change trigger, in its one current definition (V4 created it, V7 added the spending
-- limit; its body lives here from then on, replaced whenever this file changes).
--
-- Runs on every wallet update (debits, credits, holds, settings). Thresholds are compared with the
-- available balance (balance - held: a hold counts as spent until it is captured or released); it
-- is written out here because a BEFORE trigger cannot read the generated column `available`.
--  * re-arms the low-balance alert once a credit or a change of its settings brings the available
--    balance back at or above the threshold (a hold's release or a capture does not: see below);
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
    -- Re-armed only by a credit (the balance itself rises) or a change of the alert's settings,
    -- not by a hold's release or a capture below its hold: those lift the available balance of
    -- every request near the threshold, and each would make the next hold a new crossing and a
    -- new email.
    IF NEW.low_balance_alerted_at IS NOT NULL
       AND (NOT NEW.low_balance_alert_enabled
            OR (NEW.balance - NEW.held >= NEW.low_balance_alert_threshold
                AND (NEW.balance > OLD.balance
                     OR (NEW.low_balance_alert_enabled, NEW.low_balance_alert_threshold)
                        IS DISTINCT FROM (OLD.low_balance_alert_enabled, OLD.low_balance_alert_threshold)))) THEN
        NEW.low_balance_alerted_at := NULL;
    END IF;

    IF NEW.low_balance_alert_enabled AND NEW.balance - NEW.held < NEW.low_balance_alert_threshold
       AND NOT coalesce(OLD.low_balance_alert_enabled AND OLD.balance - OLD.held < OLD.low_balance_alert_threshold, FALSE) THEN
        PERFORM pg_notify('wallet_wakeup', 'low-balance-alerts');
    END IF;

    IF NEW.auto_topup_enabled AND NEW.balance - NEW.held < NEW.auto_topup_threshold
       AND NOT coalesce(OLD.auto_topup_enabled AND OLD.balance - OLD.held < OLD.auto_topup_threshold, FALSE) THEN
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
