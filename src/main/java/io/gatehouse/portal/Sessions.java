package io.gatehouse.portal;

import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.CredentialVerifier;
import io.gatehouse.auth.Principal;
import io.gatehouse.auth.Secrets;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Portal sessions: a random cookie value (HttpOnly, SameSite=Lax), stored as its SHA-256 with an
 * expiry. As a {@link CredentialVerifier} it answers null for no or a dead session, so callers decide.
 */
public final class Sessions implements CredentialVerifier {
    public static final String COOKIE = "gatehouse_session";
    public static final Duration LIFETIME = Duration.ofHours(12);

    private final Jdbc jdbc;
    private final Clock clock;

    public Sessions(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Starts a session; returns the cookie value. */
    public String start(long accountId) {
        String value = CredentialFormat.SESSION.mint();
        Instant now = clock.instant();
        jdbc.update("INSERT INTO sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                Secrets.sha256(value), accountId, now, now.plus(LIFETIME));
        return value;
    }

    @Override
    public Principal verify(String cookie) {
        if (cookie == null || cookie.length() > 100 || !CredentialFormat.SESSION.accepts(cookie)) {
            return null;
        }
        return jdbc.one("SELECT account_id, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?",
                rs -> Principal.of(rs.getLong("account_id"), Principal.Kind.SESSION, null, null, null,
                        Jdbc.instant(rs, "expires_at")), Secrets.sha256(cookie), clock.instant()).orElse(null);
    }

    /** When the session's account logged in (OpenID Connect {@code auth_time}), if the session is live. */
    public java.util.Optional<Instant> startedAt(String cookie) {
        if (cookie == null || cookie.length() > 100 || !CredentialFormat.SESSION.accepts(cookie)) {
            return java.util.Optional.empty();
        }
        return jdbc.one("SELECT created_at FROM sessions WHERE id_hash = ? AND expires_at > ?",
                rs -> Jdbc.instant(rs, "created_at"), Secrets.sha256(cookie), clock.instant());
    }

    public void end(String cookie) {
        if (cookie != null) {
            jdbc.update("DELETE FROM sessions WHERE id_hash = ?", Secrets.sha256(cookie));
        }
    }
}
