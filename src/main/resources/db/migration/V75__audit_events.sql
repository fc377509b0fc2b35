-- The audit log (SPEC §9): one append-only row per security-relevant event. No foreign keys: the
-- record of an account or app outlives it.
CREATE TABLE audit_events (
    id          BIGINT       PRIMARY KEY,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    type        VARCHAR(64)  NOT NULL,
    actor       VARCHAR(64),
    account_id  BIGINT,
    client_id   VARCHAR(64),
    ip          VARCHAR(64),
    request_id  VARCHAR(128),
    details     VARCHAR(4000) NOT NULL
);
CREATE INDEX audit_events_account ON audit_events (account_id, id);
CREATE INDEX audit_events_client ON audit_events (client_id, id);
CREATE INDEX audit_events_type ON audit_events (type, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
