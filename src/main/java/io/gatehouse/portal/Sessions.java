package io.gatehouse.portal;

import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.CredentialVerifier;
import io.gatehouse.auth.Principal;
import io.gatehouse.auth.Secrets;
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

    private final SessionStore store;
    private final Clock clock;

    public Sessions(SessionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Starts a session; returns the cookie value. */
    public String start(long accountId) {
        String value = CredentialFormat.SESSION.mint();
        Instant now = clock.instant();
        store.insert(Secrets.sha256(value), new SessionStore.Session(accountId, now, now.plus(LIFETIME)));
        return value;
    }

    /**
     * Starts a session for a login whose password was checked against {@code accountVersion}; null when the account
     * changed since (its password was reset or changed, or it was disabled or deleted, while the password was being
     * checked), so that a login racing a reset cannot keep a session the reset meant to end.
     */
    public String startIfCurrent(long accountId, long accountVersion) {
        String value = CredentialFormat.SESSION.mint();
        Instant now = clock.instant();
        return store.insertIfCurrent(Secrets.sha256(value), new SessionStore.Session(accountId, now, now.plus(LIFETIME)),
                accountVersion) ? value : null;
    }

    @Override
    public Principal verify(String cookie) {
        if (cookie == null || cookie.length() > 100 || !CredentialFormat.SESSION.accepts(cookie)) {
            return null;
        }
        return store.live(Secrets.sha256(cookie), clock.instant())
                .map(s -> Principal.of(s.accountId(), Principal.Kind.SESSION, null, null, null, s.expiresAt()))
                .orElse(null);
    }

    /** When the session's account logged in (OpenID Connect {@code auth_time}), if the session is live. */
    public java.util.Optional<Instant> startedAt(String cookie) {
        if (cookie == null || cookie.length() > 100 || !CredentialFormat.SESSION.accepts(cookie)) {
            return java.util.Optional.empty();
        }
        return store.live(Secrets.sha256(cookie), clock.instant()).map(SessionStore.Session::createdAt);
    }

    public void end(String cookie) {
        if (cookie != null) {
            store.delete(Secrets.sha256(cookie));
        }
    }
}
