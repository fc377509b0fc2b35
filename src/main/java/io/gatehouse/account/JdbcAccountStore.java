package io.gatehouse.account;

import io.gatehouse.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class JdbcAccountStore implements AccountStore {
    private static final String COLUMNS = "id, email, first_name, last_name, role, created_at";

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
        return jdbc.one("SELECT " + COLUMNS + " FROM accounts WHERE id = ?", JdbcAccountStore::map, id);
    }

    @Override
    public Optional<Account> byEmail(String email) {
        return jdbc.one("SELECT " + COLUMNS + " FROM accounts WHERE email_lower = ?", JdbcAccountStore::map, lower(email));
    }

    @Override
    public Optional<StoredLogin> loginByEmail(String email) {
        return jdbc.one("SELECT " + COLUMNS + ", password_hash FROM accounts WHERE email_lower = ?",
                rs -> new StoredLogin(map(rs), rs.getString("password_hash")), lower(email));
    }

    @Override
    public List<Account> list(int limit, int offset) {
        return jdbc.list("SELECT " + COLUMNS + " FROM accounts ORDER BY id LIMIT ? OFFSET ?",
                JdbcAccountStore::map, limit, offset);
    }

    private static String lower(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    static Account map(ResultSet rs) throws SQLException {
        return new Account(rs.getLong("id"), rs.getString("email"), rs.getString("first_name"),
                rs.getString("last_name"), Role.parse(rs.getString("role")).orElseThrow(),
                Jdbc.instant(rs, "created_at"));
    }
}
