-- The redirect and logout URIs an admin approved with an app (third audit pass): an authorization error or a logout
-- return goes to another URI of the app only for its owner and test users, so a URI added after approval is not an
-- open redirector for everyone else. Apps in production now count as approved with the URIs they have.
CREATE TABLE app_reviewed_uris (
    client_id     VARCHAR(64)   PRIMARY KEY REFERENCES apps (client_id) ON DELETE CASCADE,
    redirect_uris VARCHAR(8000) NOT NULL,
    logout_uris   VARCHAR(8000) NOT NULL
);

INSERT INTO app_reviewed_uris (client_id, redirect_uris, logout_uris)
SELECT a.client_id, a.redirect_uris, COALESCE(s.post_logout_redirect_uris, '[]')
FROM apps a LEFT JOIN app_client_settings s ON s.client_id = a.client_id
WHERE a.mode = 'production';
