-- What the retention job (GATEHOUSE_RETENTION, _USAGE_RETENTION, _AUDIT_RETENTION) looks rows up by,
-- so each batch of deletes is an index range, not a table scan.
CREATE INDEX auth_codes_expiry ON auth_codes (expires_at);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
CREATE INDEX refresh_tokens_used ON refresh_tokens (used_at);
CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX app_usage_minute ON app_usage (minute_start);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX grants_created ON grants (created_at);
