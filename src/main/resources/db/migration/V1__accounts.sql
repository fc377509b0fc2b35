-- Accounts: people who log in to the portal, own API keys and apps, and authorize apps.
-- Portable SQL: runs unchanged on PostgreSQL and on H2 in its PostgreSQL mode.
CREATE TABLE accounts (
    id            BIGINT PRIMARY KEY,
    email         VARCHAR(254) NOT NULL,
    email_lower   VARCHAR(254) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    first_name    VARCHAR(100) NOT NULL,
    last_name     VARCHAR(100) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT accounts_email_unique UNIQUE (email_lower),
    CONSTRAINT accounts_role_known CHECK (role IN ('user', 'admin'))
);
