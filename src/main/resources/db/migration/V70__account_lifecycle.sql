-- Account lifecycle (SPEC §8, §9 v2): disabling, deleting, password reset; apps can be deleted.
-- A disabled account cannot log in; everything it had was ended when it was disabled.
ALTER TABLE accounts ADD COLUMN disabled_at TIMESTAMP WITH TIME ZONE;
-- A deleted account keeps its row (its id stays taken and other records keep pointing at it) with its
-- personal data scrubbed and its email freed.
ALTER TABLE accounts ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
-- A deleted app keeps its row, so its client id never comes back; it is found by no lookup.
ALTER TABLE apps ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;

-- Password-reset links: single use, short-lived, kept only as the SHA-256 of the token in the link.
CREATE TABLE password_resets (
    token_hash  VARCHAR(64) PRIMARY KEY,
    account_id  BIGINT      NOT NULL REFERENCES accounts (id),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX password_resets_account ON password_resets (account_id);
CREATE INDEX password_resets_expiry ON password_resets (expires_at);

-- SPEC §7: a lead's fields are optional; a missing lastName is stored as null like every other one.
ALTER TABLE leads ALTER COLUMN last_name DROP NOT NULL;
