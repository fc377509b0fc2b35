-- OpenID Connect client metadata of an app (SPEC §5 v2): where RP-initiated logout may return to,
-- and the browser origins (CORS) allowed besides those of its redirect URIs. JSON arrays of strings.
CREATE TABLE app_client_settings (
    client_id                 VARCHAR(64)   PRIMARY KEY REFERENCES apps (client_id) ON DELETE CASCADE,
    post_logout_redirect_uris VARCHAR(8000) NOT NULL,
    allowed_origins           VARCHAR(8000) NOT NULL
);

-- What an authorization code with scope openid needs for its id_token: the nonce (echoed exactly)
-- and when the account logged in (auth_time).
CREATE TABLE oidc_code_claims (
    code_hash  VARCHAR(64)  PRIMARY KEY REFERENCES auth_codes (code_hash) ON DELETE CASCADE,
    nonce      VARCHAR(512),
    auth_time  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A grant made with openid keeps the time of the original login: a refreshed id_token repeats it.
CREATE TABLE oidc_grants (
    grant_id   BIGINT PRIMARY KEY REFERENCES grants (id) ON DELETE CASCADE,
    auth_time  TIMESTAMP WITH TIME ZONE NOT NULL
);
