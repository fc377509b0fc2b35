-- Device authorization grant (RFC 8628, SPEC §5 v2). The device code is stored as SHA-256; the user
-- code is typed by a person, short-lived, and throttled against guessing. status: pending, approved,
-- denied, used (a code gives tokens once).
CREATE TABLE device_codes (
    device_code_hash VARCHAR(64)  PRIMARY KEY,
    user_code        VARCHAR(16)  NOT NULL UNIQUE,
    client_id        VARCHAR(64)  NOT NULL REFERENCES apps (client_id) ON DELETE CASCADE,
    scope            VARCHAR(4000) NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    interval_seconds INTEGER      NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_polled_at   TIMESTAMP WITH TIME ZONE,
    account_id       BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    auth_time        TIMESTAMP WITH TIME ZONE,
    grant_id         BIGINT,
    CONSTRAINT device_codes_status_known CHECK (status IN ('pending', 'approved', 'denied', 'used'))
);
CREATE INDEX device_codes_expiry ON device_codes (expires_at);
