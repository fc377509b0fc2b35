package io.gatehouse.apikey;

import io.gatehouse.store.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

public final class JdbcApiKeyStore implements ApiKeyStore {
    private static final String COLUMNS =
            "id, account_id, name, description, created_at, expires_at, revoked_at, last_used_at";

    private final Jdbc jdbc;

    public JdbcApiKeyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Insert insertIfUnderLimit(ApiKey k, String keyHash, int maxActive, Instant now) {
        return jdbc.inTransaction(c -> {
            // Lock the account row: concurrent creations for one account queue here, so the count holds; and a
            // disabling or deletion (which updates this row, then revokes the account's keys) either went first and
            // is seen here, or waits and then revokes this key too.
            List<Boolean> live = Jdbc.list(c, "SELECT disabled_at IS NULL AND deleted_at IS NULL FROM accounts WHERE id = ? FOR UPDATE",
                    rs -> rs.getBoolean(1), k.accountId());
            if (live.isEmpty() || !live.get(0)) {
                return Insert.ACCOUNT_ENDED;
            }
            long active = Jdbc.list(c, "SELECT COUNT(*) FROM api_keys WHERE account_id = ? AND revoked_at IS NULL"
                    + " AND (expires_at IS NULL OR expires_at > ?)", rs -> rs.getLong(1), k.accountId(), now).get(0);
            if (active >= maxActive) {
                return Insert.AT_LIMIT;
            }
            Jdbc.update(c, "INSERT INTO api_keys (id, account_id, name, description, key_hash, created_at, expires_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    k.id(), k.accountId(), k.name(), k.description(), keyHash, k.createdAt(), k.expiresAt());
            return Insert.INSERTED;
        });
    }

    @Override
    public Optional<ApiKey> byId(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", JdbcApiKeyStore::map, id);
    }

    @Override
    public Optional<Stored> withHash(long id) {
        return jdbc.one("SELECT " + COLUMNS + ", key_hash FROM api_keys WHERE id = ?",
                rs -> new Stored(map(rs), rs.getString("key_hash")), id);
    }

    @Override
    public List<ApiKey> byAccount(long accountId) {
        return jdbc.list("SELECT " + COLUMNS + " FROM api_keys WHERE account_id = ? ORDER BY id DESC",
                JdbcApiKeyStore::map, accountId);
    }

    @Override
    public boolean revoke(long id, Instant now) {
        return jdbc.update("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
                + " AND (expires_at IS NULL OR expires_at > ?)", now, id, now) == 1;
    }

    @Override
    public void touch(Map<Long, Instant> lastUsed) {
        if (lastUsed.isEmpty()) {
            return;
        }
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET last_used_at = ? WHERE id = ?"
                    + " AND (last_used_at IS NULL OR last_used_at < ?)")) {
                // in id order: a grant's commit locks key rows in that order too (JdbcGrantStore.LOCK_LIVE_KEY)
                for (var e : new TreeMap<>(lastUsed).entrySet()) {
                    OffsetDateTime t = OffsetDateTime.ofInstant(e.getValue(), ZoneOffset.UTC);
                    ps.setObject(1, t);
                    ps.setLong(2, e.getKey());
                    ps.setObject(3, t);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getLong("id"), rs.getLong("account_id"), rs.getString("name"), rs.getString("description"),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "expires_at"), Jdbc.instant(rs, "revoked_at"),
                Jdbc.instant(rs, "last_used_at"));
    }
}
