-- Server signing keys. The secret part is encrypted with the master key (AES-256-GCM), base64.
-- purpose 'api-key' (HS256, signs API keys) or 'access-token' (RS256, signs OAuth access tokens).
-- The newest key of a purpose signs; every key not yet retired verifies.
CREATE TABLE signing_keys (
    kid         VARCHAR(64)  PRIMARY KEY,
    purpose     VARCHAR(16)  NOT NULL,
    algorithm   VARCHAR(16)  NOT NULL,
    secret_enc  VARCHAR(8192) NOT NULL,
    public_jwk  VARCHAR(4096),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    retired_at  TIMESTAMP WITH TIME ZONE
);

-- API keys (personal access tokens). Only a SHA-256 hash of the key is kept, never the key.
CREATE TABLE api_keys (
    id           BIGINT PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    name         VARCHAR(100) NOT NULL,
    description  VARCHAR(500),
    key_hash     VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    last_used_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX api_keys_account ON api_keys (account_id);

-- Leads of the built-in API; every lead belongs to one account. Deleting moves a lead to the trash.
CREATE TABLE leads (
    id            BIGINT PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    first_name    VARCHAR(100) NOT NULL,
    last_name     VARCHAR(100) NOT NULL,
    email         VARCHAR(254),
    email_lower   VARCHAR(254),
    phone         VARCHAR(40),
    stage         VARCHAR(50),
    source        VARCHAR(100),
    tags          VARCHAR(4000) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at    TIMESTAMP WITH TIME ZONE,
    delete_reason VARCHAR(500)
);
CREATE INDEX leads_account ON leads (account_id, id);
