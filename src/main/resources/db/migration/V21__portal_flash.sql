-- A value the portal shows once after a form (a new client secret or API key), kept for a few minutes
-- across the redirect that follows (POST-redirect-GET), read once. Encrypted with a key derived from the
-- session cookie, which the database does not have (it keeps only the cookie's SHA-256).
CREATE TABLE portal_flash (
    id           VARCHAR(32)   PRIMARY KEY,
    session_hash VARCHAR(64)   NOT NULL,
    name         VARCHAR(100)  NOT NULL,
    sealed       VARCHAR(4000) NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX portal_flash_session ON portal_flash (session_hash);
CREATE INDEX portal_flash_expiry ON portal_flash (expires_at);
