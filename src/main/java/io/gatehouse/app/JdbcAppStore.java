package io.gatehouse.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.core.Json;
import io.gatehouse.store.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

public final class JdbcAppStore implements AppStore {
    private static final String COLUMNS = "client_id, owner_id, name, description, client_type, secret_hash,"
            + " redirect_uris, permissions, pending_permissions, mode, review_status, review_note, rate_limit_per_minute,"
            + " introspect, created_at, updated_at, version";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final Jdbc jdbc;

    public JdbcAppStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean insert(App a, int maxPerOwner) {
        return jdbc.inTransaction(c -> {
            // The owner's row is the lock that orders this owner's registrations (on H2 and PostgreSQL alike).
            Jdbc.list(c, "SELECT id FROM accounts WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), a.ownerId());
            long owned = Jdbc.list(c, "SELECT COUNT(*) FROM apps WHERE owner_id = ? AND deleted_at IS NULL", rs -> rs.getLong(1), a.ownerId()).get(0);
            if (owned >= maxPerOwner) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO apps (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    a.clientId(), a.ownerId(), a.name(), a.description(), a.type(), a.secretHash(),
                    Json.string(a.redirectUris()), Json.string(a.permissions()),
                    a.pendingPermissions() == null ? null : Json.string(a.pendingPermissions()),
                    a.mode(), a.reviewStatus(), a.reviewNote(), a.rateLimitOverride(), a.introspect(), a.createdAt(), a.updatedAt(),
                    a.version());
            writeTestUsers(c, a);
            return true;
        });
    }

    @Override
    public Optional<App> byClientId(String clientId) {
        return jdbc.inTransaction(c -> {
            List<App> apps = Jdbc.list(c, "SELECT " + COLUMNS + " FROM apps WHERE client_id = ? AND deleted_at IS NULL", rs -> map(c, rs), clientId);
            return apps.isEmpty() ? Optional.empty() : Optional.of(apps.get(0));
        });
    }

    @Override
    public List<App> byOwner(long ownerId) {
        return jdbc.inTransaction(c -> Jdbc.list(c, "SELECT " + COLUMNS + " FROM apps WHERE owner_id = ? AND deleted_at IS NULL ORDER BY created_at DESC",
                rs -> map(c, rs), ownerId));
    }

    @Override
    public List<App> list(App.ReviewStatus status) {
        return jdbc.inTransaction(c -> status == null
                ? Jdbc.list(c, "SELECT " + COLUMNS + " FROM apps WHERE deleted_at IS NULL ORDER BY created_at DESC", rs -> map(c, rs))
                : Jdbc.list(c, "SELECT " + COLUMNS + " FROM apps WHERE review_status = ? AND deleted_at IS NULL ORDER BY updated_at",
                        rs -> map(c, rs), status));
    }

    @Override
    public boolean update(App a) {
        return jdbc.inTransaction(c -> {
            int changed = Jdbc.update(c, "UPDATE apps SET name = ?, description = ?, redirect_uris = ?, permissions = ?,"
                            + " pending_permissions = ?, mode = ?, review_status = ?, review_note = ?, rate_limit_per_minute = ?,"
                            + " introspect = ?, updated_at = ?, version = version + 1 WHERE client_id = ? AND version = ? AND deleted_at IS NULL",
                    a.name(), a.description(), Json.string(a.redirectUris()), Json.string(a.permissions()),
                    a.pendingPermissions() == null ? null : Json.string(a.pendingPermissions()), a.mode(), a.reviewStatus(),
                    a.reviewNote(), a.rateLimitOverride(), a.introspect(), a.updatedAt(), a.clientId(), a.version());
            if (changed == 0) {
                return false;
            }
            Jdbc.update(c, "DELETE FROM app_test_users WHERE client_id = ?", a.clientId());
            writeTestUsers(c, a);
            return true;
        });
    }

    @Override
    public Optional<App> setSecretHash(String clientId, String secretHash, Instant now) {
        return jdbc.inTransaction(c -> {
            Jdbc.update(c, "UPDATE apps SET secret_hash = ?, updated_at = ?, version = version + 1 WHERE client_id = ? AND deleted_at IS NULL",
                    secretHash, now, clientId);
            List<App> apps = Jdbc.list(c, "SELECT " + COLUMNS + " FROM apps WHERE client_id = ? AND deleted_at IS NULL",
                    rs -> map(c, rs), clientId);
            return apps.isEmpty() ? Optional.empty() : Optional.of(apps.get(0));
        });
    }

    private static void writeTestUsers(Connection c, App a) throws SQLException {
        for (Long user : a.testUsers()) {
            Jdbc.update(c, "INSERT INTO app_test_users (client_id, account_id) VALUES (?, ?)", a.clientId(), user);
        }
    }

    private static App map(Connection c, ResultSet rs) throws SQLException {
        String clientId = rs.getString("client_id");
        Set<Long> testUsers = new HashSet<>(Jdbc.list(c, "SELECT account_id FROM app_test_users WHERE client_id = ?",
                r -> r.getLong(1), clientId));
        Object limit = rs.getObject("rate_limit_per_minute");
        return new App(clientId, rs.getLong("owner_id"), rs.getString("name"), rs.getString("description"),
                App.ClientType.valueOf(rs.getString("client_type").toUpperCase(Locale.ROOT)), rs.getString("secret_hash"),
                strings(rs.getString("redirect_uris")), strings(rs.getString("permissions")),
                rs.getString("pending_permissions") == null ? null : strings(rs.getString("pending_permissions")),
                App.Mode.valueOf(rs.getString("mode").toUpperCase(Locale.ROOT)),
                App.ReviewStatus.valueOf(rs.getString("review_status").toUpperCase(Locale.ROOT)),
                rs.getString("review_note"), limit == null ? null : ((Number) limit).intValue(), rs.getBoolean("introspect"),
                Set.copyOf(testUsers),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"), rs.getLong("version"));
    }

    private static List<String> strings(String json) throws SQLException {
        try {
            return Json.MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new SQLException("malformed JSON list in apps", e);
        }
    }
}
