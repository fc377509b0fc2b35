-- Optimistic locking: every change of an app adds one to its version, and a change
-- made from an older version is refused (and retried on the fresh row), so no update is lost.
ALTER TABLE apps ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
