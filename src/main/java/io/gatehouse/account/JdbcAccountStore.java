package io.gatehouse.account;

import io.gatehouse.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class JdbcAccountStore implements AccountStore {
    private static final String COLUMNS = "id, email, first_name, last_name, role, created_at, disabled_at, version";
    private static final String LIVE = " AND deleted_at IS NULL";

    private final Jdbc jdbc;

    public JdbcAccountStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Account a, String passwordHash) {
        jdbc.update("INSERT INTO accounts (id, email, email_lower, password_hash, first_name, last_name, role, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                a.id(), a.email(), lower(a.email()), passwordHash, a.firstName(), a.lastName(), a.role(), a.createdAt());
    }

    @Override
    public Optional<Account> byId(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM accounts WHERE id = ?" + LIVE, JdbcAccountStore::map, id);
    }

    @Override
    public Optional<Account> byEmail(String email) {
        return jdbc.one("SELECT " + COLUMNS + " FROM accounts WHERE email_lower = ?" + LIVE, JdbcAccountStore::map, lower(email));
    }

    @Override
    public Optional<StoredLogin> loginByEmail(String email) {
        return jdbc.one("SELECT " + COLUMNS + ", password_hash FROM accounts WHERE email_lower = ?" + LIVE,
                rs -> new StoredLogin(map(rs), rs.getString("password_hash")), lower(email));
    }

    @Override
    public Optional<String> passwordHash(long id) {
        return jdbc.one("SELECT password_hash FROM accounts WHERE id = ?" + LIVE, rs -> rs.getString(1), id);
    }

    @Override
    public List<Account> list(int limit, int offset) {
        return jdbc.list("SELECT " + COLUMNS + " FROM accounts WHERE deleted_at IS NULL ORDER BY id LIMIT ? OFFSET ?",
                JdbcAccountStore::map, limit, offset);
    }

    @Override
    public long count() {
        return jdbc.count("SELECT COUNT(*) FROM accounts WHERE deleted_at IS NULL");
    }

    @Override
    public boolean update(Account a, java.time.Instant disabledAt) {
        return jdbc.update("UPDATE accounts SET email = ?, email_lower = ?, first_name = ?, last_name = ?, role = ?,"
                        + " disabled_at = ?, version = version + 1 WHERE id = ? AND version = ?" + LIVE,
                a.email(), lower(a.email()), a.firstName(), a.lastName(), a.role(), a.disabled() ? disabledAt : null, a.id(),
                a.version()) == 1;
    }

    @Override
    public void setPassword(long id, String passwordHash, String keepSessionHash) {
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "UPDATE accounts SET password_hash = ?, version = version + 1 WHERE id = ?", passwordHash, id);
            if (keepSessionHash == null) {
                Jdbc.update(c, "DELETE FROM sessions WHERE account_id = ?", id);
            } else {
                Jdbc.update(c, "DELETE FROM sessions WHERE account_id = ? AND id_hash <> ?", id, keepSessionHash);
            }
            Jdbc.update(c, "DELETE FROM password_resets WHERE account_id = ? AND used_at IS NULL", id);
            return null;
        });
    }

    private static String lower(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    static Account map(ResultSet rs) throws SQLException {
        return new Account(rs.getLong("id"), rs.getString("email"), rs.getString("first_name"),
                rs.getString("last_name"), Role.parse(rs.getString("role")).orElseThrow(),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "disabled_at") != null, rs.getLong("version"));
    }
}
