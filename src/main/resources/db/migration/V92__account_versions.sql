-- Optimistic locking on accounts, as on apps (V50): every change of an account adds one to its version,
-- and a change made from an older version is refused and applied again to the fresh row, so no update is lost.
ALTER TABLE accounts ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
