-- When each access token was revoked, so that nodes can catch up on revocations they missed.
ALTER TABLE revoked_access_tokens ADD COLUMN revoked_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX revoked_access_tokens_at ON revoked_access_tokens (revoked_at);
CREATE INDEX api_keys_revoked_at ON api_keys (revoked_at);
CREATE INDEX grants_revoked_at ON grants (revoked_at);
CREATE INDEX apps_updated_at ON apps (updated_at);
