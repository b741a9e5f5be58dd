-- Quartz's row locks for the worker's scheduler ("wallet-worker", SchedulerConfiguration.SCHEDULER_NAME).
-- Quartz inserts a lock row the first time it needs it; daemons starting at the same moment on a
-- new schema raced on that insert and on registering the same jobs, and the loser exited with a
-- duplicate key. With the rows in place every registration waits for the lock instead.
INSERT INTO QRTZ_LOCKS (SCHED_NAME, LOCK_NAME)
VALUES ('wallet-worker', 'TRIGGER_ACCESS'), ('wallet-worker', 'STATE_ACCESS')
ON CONFLICT DO NOTHING;
