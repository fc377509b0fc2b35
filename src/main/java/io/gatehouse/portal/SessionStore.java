package io.gatehouse.portal;

import java.time.Instant;
import java.util.Optional;

/** Where portal sessions live, by the SHA-256 of their cookie value (never the value). */
public interface SessionStore {
    /** A stored session. */
    record Session(long accountId, Instant createdAt, Instant expiresAt) {
    }

    void insert(String idHash, Session session);

    /** The session if it has not expired at {@code now}. */
    Optional<Session> live(String idHash, Instant now);

    void delete(String idHash);
}
