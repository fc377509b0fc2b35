package io.gatehouse.portal;

import java.time.Instant;
import java.util.Optional;

/** Where portal sessions live, by the SHA-256 of their cookie value (never the value). */
public interface SessionStore {
    /** A stored session. */
    record Session(long accountId, Instant createdAt, Instant expiresAt) {
    }

    void insert(String idHash, Session session);

    /**
     * Inserts the session only while its account is live, not disabled and still at {@code accountVersion} (the
     * version whose password was just checked), holding the account's row until the insert commits: a password
     * change, reset, disabling or deletion that ends the account's sessions either waits for this insert and ends it
     * too, or went first and this login gets no session. False when it got none. A store without accounts inserts.
     */
    default boolean insertIfCurrent(String idHash, Session session, long accountVersion) {
        insert(idHash, session);
        return true;
    }

    /** The session if it has not expired at {@code now}. */
    Optional<Session> live(String idHash, Instant now);

    void delete(String idHash);
}
