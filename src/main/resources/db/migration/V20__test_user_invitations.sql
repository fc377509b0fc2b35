-- Test users are invited (SPEC §8, §11): an invitation names an email or an account id exactly as the
-- developer typed it, so that an unknown one is stored, and answered, like any other. No foreign key to
-- accounts for that reason. It becomes a test user (app_test_users) only when the account accepts it.
CREATE TABLE app_test_invitations (
    id          BIGINT       PRIMARY KEY,
    client_id   VARCHAR(64)  NOT NULL REFERENCES apps (client_id),
    email       VARCHAR(254),
    account_id  BIGINT,
    status      VARCHAR(16)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT app_test_invitations_status CHECK (status IN ('pending', 'accepted', 'declined')),
    CONSTRAINT app_test_invitations_one_invitee CHECK ((email IS NULL AND account_id IS NOT NULL)
        OR (email IS NOT NULL AND account_id IS NULL))
);
CREATE INDEX app_test_invitations_client ON app_test_invitations (client_id);
CREATE INDEX app_test_invitations_email ON app_test_invitations (email);
CREATE INDEX app_test_invitations_account ON app_test_invitations (account_id);
