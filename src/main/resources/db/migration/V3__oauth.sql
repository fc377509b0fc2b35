-- Apps registered by developers (SPEC §5, §8). Lists are JSON arrays of strings.
CREATE TABLE apps (
    client_id             VARCHAR(64)  PRIMARY KEY,
    owner_id              BIGINT       NOT NULL REFERENCES accounts (id),
    name                  VARCHAR(100) NOT NULL,
    description           VARCHAR(1000) NOT NULL,
    client_type           VARCHAR(16)  NOT NULL,
    secret_hash           VARCHAR(64),
    redirect_uris         VARCHAR(8000) NOT NULL,
    permissions           VARCHAR(4000) NOT NULL,
    pending_permissions   VARCHAR(4000),
    mode                  VARCHAR(16)  NOT NULL,
    review_status         VARCHAR(16)  NOT NULL,
    review_note           VARCHAR(2000),
    rate_limit_per_minute INTEGER,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT apps_type_known CHECK (client_type IN ('public', 'confidential')),
    CONSTRAINT apps_mode_known CHECK (mode IN ('development', 'production'))
);
CREATE INDEX apps_owner ON apps (owner_id);

CREATE TABLE app_test_users (
    client_id  VARCHAR(64) NOT NULL REFERENCES apps (client_id),
    account_id BIGINT      NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (client_id, account_id)
);

-- A grant is one token family: a code exchange or a client-credentials issue and every refresh after it.
CREATE TABLE grants (
    id          BIGINT PRIMARY KEY,
    client_id   VARCHAR(64) NOT NULL REFERENCES apps (client_id),
    account_id  BIGINT      NOT NULL REFERENCES accounts (id),
    grant_type  VARCHAR(32) NOT NULL,
    scope       VARCHAR(4000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX grants_account_client ON grants (account_id, client_id);

-- Authorization codes, stored as SHA-256; single use, short-lived.
CREATE TABLE auth_codes (
    code_hash      VARCHAR(64) PRIMARY KEY,
    client_id      VARCHAR(64) NOT NULL REFERENCES apps (client_id),
    account_id     BIGINT      NOT NULL REFERENCES accounts (id),
    redirect_uri   VARCHAR(2000) NOT NULL,
    scope          VARCHAR(4000) NOT NULL,
    code_challenge VARCHAR(128),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at        TIMESTAMP WITH TIME ZONE,
    grant_id       BIGINT
);

-- Refresh tokens, stored as SHA-256; each is used once and replaced (rotation).
CREATE TABLE refresh_tokens (
    token_hash  VARCHAR(64) PRIMARY KEY,
    grant_id    BIGINT NOT NULL REFERENCES grants (id),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);

-- Access tokens revoked one by one before they expire (their grant may live on).
CREATE TABLE revoked_access_tokens (
    jti         VARCHAR(64) PRIMARY KEY,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Portal sessions, stored as SHA-256 of the cookie value.
CREATE TABLE sessions (
    id_hash     VARCHAR(64) PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A client-credentials grant remembers the API key (customer_key) it was made with:
-- revoking the key revokes the grant.
ALTER TABLE grants ADD COLUMN api_key_id BIGINT;
CREATE INDEX grants_api_key ON grants (api_key_id);
