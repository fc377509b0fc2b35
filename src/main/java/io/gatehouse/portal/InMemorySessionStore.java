package io.gatehouse.portal;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Sessions in memory, for tests and tools without a database. */
public final class InMemorySessionStore implements SessionStore {
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    @Override
    public void insert(String idHash, Session session) {
        if (sessions.putIfAbsent(idHash, session) != null) {
            throw new IllegalStateException("a session with this id exists");
        }
    }

    @Override
    public Optional<Session> live(String idHash, Instant now) {
        return Optional.ofNullable(sessions.get(idHash)).filter(s -> s.expiresAt().isAfter(now));
    }

    @Override
    public void delete(String idHash) {
        sessions.remove(idHash);
    }
}
