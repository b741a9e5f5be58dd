-- The ops console's overview reads the last 30 days of the ledger and of the outbox, and counts the
-- failed emails, on every load. Without these it would read both tables whole: at 10^7 ledger rows
-- that is seconds a page, and the table only grows.
--
-- BRIN, not B-tree, for the two time ranges: both tables are appended in time order, so a block
-- range summary finds the last 30 days as well as a B-tree would, at a few pages in size and
-- almost nothing per insert (a B-tree would add one more index write to every usage event on the
-- metering path).
CREATE INDEX wallet_transactions_by_time ON wallet_transactions USING brin (created_at);
CREATE INDEX mail_outbox_by_time ON mail_outbox USING brin (created_at);

-- Failed emails are few, and read by the overview, the mail page and `mail list --status failed`.
CREATE INDEX mail_outbox_failed ON mail_outbox (id) WHERE status = 'failed';
