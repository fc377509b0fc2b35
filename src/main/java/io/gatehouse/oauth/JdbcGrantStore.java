package io.gatehouse.oauth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.core.Json;
import io.gatehouse.store.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class JdbcGrantStore implements GrantStore {
    private static final String GRANT_COLUMNS = "id, client_id, account_id, grant_type, scope, api_key_id, created_at, revoked_at";
    private static final String INSERT_GRANT = "INSERT INTO grants (" + GRANT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_REFRESH =
            "INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at) VALUES (?, ?, ?, ?)";
    /*
     * The lookups of introspection and bearer verification (a cache miss): each by a primary key, so their cost
     * does not grow with the tables (issue 15; IntrospectionQueryPlanTest reads their plans). A refresh token's
     * grant and its own expiry come in one statement.
     */
    static final String LIVE_REFRESH = "SELECT g." + GRANT_COLUMNS.replace(", ", ", g.") + ", r.expires_at AS refresh_expires_at"
            + " FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ?";
    static final String IS_REVOKED = "SELECT (SELECT COUNT(*) FROM grants WHERE id = ? AND revoked_at IS NULL)"
            + " - (SELECT COUNT(*) FROM revoked_access_tokens WHERE jti = ?)";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final Jdbc jdbc;

    public JdbcGrantStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void saveCode(Code c) {
        jdbc.update("INSERT INTO auth_codes (code_hash, client_id, account_id, redirect_uri, scope, code_challenge,"
                        + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                c.codeHash(), c.clientId(), c.accountId(), c.redirectUri(), Json.string(c.scope()), c.codeChallenge(),
                c.createdAt(), c.expiresAt());
    }

    @Override
    public CodeExchange exchangeCode(String codeHash, String clientId, Instant now, CodeCheck check, String refreshHash,
                                     Instant refreshExpiresAt) {
        return jdbc.inTransaction(c -> {
            // The account's row is locked before the code's, the order in which deleting an account locks them (its row,
            // then its apps' codes), so the two never wait for each other.
            List<Long> owner = Jdbc.list(c, "SELECT account_id FROM auth_codes WHERE code_hash = ?", rs -> rs.getLong(1), codeHash);
            if (owner.isEmpty()) {
                return CodeExchange.UNKNOWN;
            }
            boolean accountLive = lockLiveAccount(c, owner.get(0));
            // The row lock makes a concurrent second use wait for the first to commit, so it sees the grant to revoke.
            List<Object[]> rows = Jdbc.list(c, "SELECT client_id, account_id, redirect_uri, scope, code_challenge, created_at,"
                            + " expires_at, used_at, grant_id FROM auth_codes WHERE code_hash = ? FOR UPDATE",
                    rs -> new Object[] {
                        new Code(codeHash, rs.getString("client_id"), rs.getLong("account_id"), rs.getString("redirect_uri"),
                                strings(rs.getString("scope")), rs.getString("code_challenge"), Jdbc.instant(rs, "created_at"),
                                Jdbc.instant(rs, "expires_at")),
                        Jdbc.instant(rs, "used_at"), Jdbc.nullableLong(rs, "grant_id")},
                    codeHash);
            if (rows.isEmpty()) {
                return CodeExchange.UNKNOWN;
            }
            Code code = (Code) rows.get(0)[0];
            if (rows.get(0)[1] != null && !code.clientId().equals(clientId)) {
                return CodeExchange.UNKNOWN; // another client's used code: not its to end (anyone may know a public client id)
            }
            if (rows.get(0)[1] != null) {
                Long grantId = (Long) rows.get(0)[2];
                if (grantId != null) {
                    Jdbc.update(c, "UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, grantId);
                }
                return new CodeExchange(null, grantId == null ? -1L : grantId, null);
            }
            if (!now.isBefore(code.expiresAt())) {
                return CodeExchange.UNKNOWN;
            }
            if (!accountLive) {
                return CodeExchange.UNKNOWN; // disabled or deleted since it consented: its grants ended, this one must not begin
            }
            Grant grant;
            try {
                grant = check.approve(code);
            } catch (EndCode e) {
                Jdbc.update(c, "DELETE FROM auth_codes WHERE code_hash = ?", codeHash);
                return new CodeExchange(null, null, e.reason());
            }
            insertGrant(c, grant, refreshHash, refreshExpiresAt);
            Jdbc.update(c, "UPDATE auth_codes SET used_at = ?, grant_id = ? WHERE code_hash = ?", now, grant.id(), codeHash);
            return new CodeExchange(grant, null, null);
        });
    }

    /**
     * Locks the account's row if it is neither deleted nor disabled; false otherwise. Disabling and deleting update
     * that row before they end the account's grants, so a grant made under this lock is either seen and ended by them,
     * or refused here because they went first (audit "attack2").
     */
    static boolean lockLiveAccount(Connection c, long accountId) throws SQLException {
        return !Jdbc.list(c, "SELECT id FROM accounts WHERE id = ? AND deleted_at IS NULL AND disabled_at IS NULL FOR UPDATE",
                rs -> rs.getLong(1), accountId).isEmpty();
    }

    @Override
    public void createGrant(Grant g, String refreshHash, Instant refreshExpiresAt) {
        // Inserts: inside a group commit's batch (Jdbc.batched) the rows join one batch per table, grants first.
        jdbc.inTransaction(() -> {
            jdbc.insert(INSERT_GRANT, g.id(), g.clientId(), g.accountId(), g.grantType(), Json.string(g.scope()), g.apiKeyId(),
                    g.createdAt(), null);
            jdbc.insert(INSERT_REFRESH, refreshHash, g.id(), g.createdAt(), refreshExpiresAt);
            return null;
        });
    }

    /*
     * client_credentials (docs/security.md): the key's row, by its primary key, locked until the grant's (group) commit.
     * Revoking the key updates that row before it ends the key's grants; disabling or deleting its account locks the
     * account's key rows (in id order) before it revokes them and ends their grants. Either waits here for the grant to
     * commit and then ends it, or went first and this finds the key revoked. This transaction locks nothing before it
     * (a group locks its keys in id order, GroupCommit), so it never waits in the opposite order of either.
     */
    // By the id alone: with "AND revoked_at IS NULL" H2 chose the index on revoked_at (every live key) over the primary key.
    static final String LOCK_LIVE_KEY = "SELECT revoked_at FROM api_keys WHERE id = ? FOR UPDATE";

    @Override
    public boolean createGrantOfLiveKey(Grant g, String refreshHash, Instant refreshExpiresAt) {
        if (g.apiKeyId() == null) {
            throw new IllegalArgumentException("a grant without an API key");
        }
        return jdbc.inTransaction(c -> {
            List<Boolean> live = Jdbc.list(c, LOCK_LIVE_KEY, rs -> rs.getObject(1) == null, g.apiKeyId());
            if (live.isEmpty() || !live.get(0)) {
                return false;
            }
            createGrant(g, refreshHash, refreshExpiresAt);
            return true;
        });
    }

    private static void insertGrant(Connection c, Grant g, String refreshHash, Instant refreshExpiresAt) throws SQLException {
        Jdbc.update(c, INSERT_GRANT, g.id(), g.clientId(), g.accountId(), g.grantType(), Json.string(g.scope()), g.apiKeyId(),
                g.createdAt(), null);
        Jdbc.update(c, INSERT_REFRESH, refreshHash, g.id(), g.createdAt(), refreshExpiresAt);
    }

    @Override
    public Refresh rotateRefresh(String clientId, String oldHash, String newHash, Instant now, RefreshCheck check) {
        return jdbc.inTransaction(c -> {
            List<Object[]> rows = Jdbc.list(c, "SELECT grant_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = ? FOR UPDATE",
                    rs -> new Object[] {rs.getLong("grant_id"), Jdbc.instant(rs, "expires_at"), Jdbc.instant(rs, "used_at")}, oldHash);
            if (rows.isEmpty()) {
                return new Refresh(RefreshOutcome.UNKNOWN, null);
            }
            long grantId = (Long) rows.get(0)[0];
            Grant grant = grant(c, grantId).orElseThrow();
            if (!grant.clientId().equals(clientId)) {
                return new Refresh(RefreshOutcome.UNKNOWN, null);
            }
            if (rows.get(0)[2] != null) {
                Jdbc.update(c, "UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, grantId);
                return new Refresh(RefreshOutcome.REUSED, grant);
            }
            if (grant.isRevoked()) {
                return new Refresh(RefreshOutcome.REVOKED, grant);
            }
            if (!now.isBefore((Instant) rows.get(0)[1])) {
                return new Refresh(RefreshOutcome.EXPIRED, grant);
            }
            Instant newExpiresAt = check.approve(grant);
            Jdbc.update(c, "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?", now, oldHash);
            Jdbc.update(c, INSERT_REFRESH,
                    newHash, grantId, now, newExpiresAt);
            return new Refresh(RefreshOutcome.ROTATED, grant);
        });
    }

    @Override
    public Optional<LiveRefresh> liveRefresh(String refreshHash, Instant now) {
        return jdbc.one(LIVE_REFRESH, rs -> new LiveRefresh(map(rs), Jdbc.instant(rs, "refresh_expires_at")), refreshHash, now);
    }

    @Override
    public Optional<Grant> grant(long id) {
        return jdbc.one("SELECT " + GRANT_COLUMNS + " FROM grants WHERE id = ?", JdbcGrantStore::map, id);
    }

    private static Optional<Grant> grant(Connection c, long id) throws SQLException {
        List<Grant> g = Jdbc.list(c, "SELECT " + GRANT_COLUMNS + " FROM grants WHERE id = ?", JdbcGrantStore::map, id);
        return g.isEmpty() ? Optional.empty() : Optional.of(g.get(0));
    }

    @Override
    public boolean revokeGrant(long id, Instant now) {
        return jdbc.update("UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id) == 1;
    }

    @Override
    public List<Long> revokeGrants(long accountId, String clientId, Instant now) {
        return jdbc.inTransaction(c -> {
            // The account's row first, as a code or device-code exchange locks it: one that began before is seen
            // here as a grant to end, one that begins after finds its code gone.
            Jdbc.list(c, "SELECT id FROM accounts WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), accountId);
            // Consent given but not yet turned into tokens ends too (SPEC §5: revoking an app ends what it holds).
            Jdbc.update(c, "DELETE FROM auth_codes WHERE account_id = ? AND client_id = ? AND used_at IS NULL", accountId, clientId);
            Jdbc.update(c, "UPDATE device_codes SET status = 'denied' WHERE account_id = ? AND client_id = ? AND status = 'approved'",
                    accountId, clientId);
            List<Long> ids = Jdbc.list(c, "SELECT id FROM grants WHERE account_id = ? AND client_id = ? AND revoked_at IS NULL FOR UPDATE",
                    rs -> rs.getLong(1), accountId, clientId);
            for (Long id : ids) {
                Jdbc.update(c, "UPDATE grants SET revoked_at = ? WHERE id = ?", now, id);
            }
            return ids;
        });
    }

    @Override
    public List<Long> revokeGrantsOfApiKey(long apiKeyId, Instant now) {
        return jdbc.inTransaction(c -> {
            List<Long> ids = Jdbc.list(c, "SELECT id FROM grants WHERE api_key_id = ? AND revoked_at IS NULL FOR UPDATE",
                    rs -> rs.getLong(1), apiKeyId);
            for (Long id : ids) {
                Jdbc.update(c, "UPDATE grants SET revoked_at = ? WHERE id = ?", now, id);
            }
            return ids;
        });
    }

    @Override
    public void revokeAccessToken(String jti, Instant expiresAt, Instant now) {
        jdbc.inTransaction(c -> {
            if (Jdbc.list(c, "SELECT jti FROM revoked_access_tokens WHERE jti = ?", rs -> rs.getString(1), jti).isEmpty()) {
                Jdbc.update(c, "INSERT INTO revoked_access_tokens (jti, expires_at, revoked_at) VALUES (?, ?, ?)",
                        jti, expiresAt, now);
            }
            return null;
        });
    }

    @Override
    public boolean isRevoked(long grantId, String jti) {
        return jdbc.count(IS_REVOKED, grantId, jti) != 1;
    }

    @Override
    public List<Grant> liveGrants(long accountId) {
        return jdbc.list("SELECT " + GRANT_COLUMNS + " FROM grants WHERE account_id = ? AND revoked_at IS NULL ORDER BY created_at",
                JdbcGrantStore::map, accountId);
    }

    private static Grant map(ResultSet rs) throws SQLException {
        return new Grant(rs.getLong("id"), rs.getString("client_id"), rs.getLong("account_id"), rs.getString("grant_type"),
                strings(rs.getString("scope")), Jdbc.nullableLong(rs, "api_key_id"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "revoked_at"));
    }

    private static List<String> strings(String json) throws SQLException {
        try {
            return Json.MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new SQLException("malformed scope", e);
        }
    }
}
