package io.gatehouse.portal;

import io.gatehouse.store.Jdbc;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sessions in the {@code sessions} table; expired rows are deleted by the retention job. */
public final class JdbcSessionStore implements SessionStore {
    private final Jdbc jdbc;

    public JdbcSessionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(String idHash, Session s) {
        jdbc.update("INSERT INTO sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                idHash, s.accountId(), s.createdAt(), s.expiresAt());
    }

    @Override
    public boolean insertIfCurrent(String idHash, Session s, long accountVersion) {
        return jdbc.inTransaction(c -> {
            List<Long> version = Jdbc.list(c, "SELECT version FROM accounts WHERE id = ? AND deleted_at IS NULL"
                    + " AND disabled_at IS NULL FOR UPDATE", rs -> rs.getLong(1), s.accountId());
            if (version.isEmpty() || version.get(0) != accountVersion) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    idHash, s.accountId(), s.createdAt(), s.expiresAt());
            return true;
        });
    }

    @Override
    public Optional<Session> live(String idHash, Instant now) {
        return jdbc.one("SELECT account_id, created_at, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?",
                rs -> new Session(rs.getLong("account_id"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "expires_at")),
                idHash, now);
    }

    @Override
    public void delete(String idHash) {
        jdbc.update("DELETE FROM sessions WHERE id_hash = ?", idHash);
    }
}
