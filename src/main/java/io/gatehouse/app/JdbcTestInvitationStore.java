package io.gatehouse.app;

import io.gatehouse.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class JdbcTestInvitationStore implements TestInvitationStore {
    private static final String COLUMNS = "id, client_id, email, account_id, status, created_at, answered_at";

    private final Jdbc jdbc;

    public JdbcTestInvitationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(TestInvitation i) {
        jdbc.update("INSERT INTO app_test_invitations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                i.id(), i.clientId(), i.email(), i.accountId(), i.status(), i.createdAt(), i.answeredAt());
    }

    @Override
    public Optional<TestInvitation> byId(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM app_test_invitations WHERE id = ?", JdbcTestInvitationStore::map, id);
    }

    @Override
    public List<TestInvitation> unaccepted(String clientId) {
        return jdbc.list("SELECT " + COLUMNS + " FROM app_test_invitations WHERE client_id = ? AND status <> 'accepted'"
                + " ORDER BY created_at, id", JdbcTestInvitationStore::map, clientId);
    }

    @Override
    public List<TestInvitation> pendingFor(long accountId, String email) {
        return jdbc.list("SELECT " + COLUMNS + " FROM app_test_invitations WHERE status = 'pending'"
                + " AND (account_id = ? OR email = ?) ORDER BY created_at, id", JdbcTestInvitationStore::map,
                accountId, email.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean accept(long id, long accountId, Instant now) {
        return jdbc.inTransaction(c -> {
            List<String> app = Jdbc.list(c, "SELECT client_id FROM app_test_invitations WHERE id = ? AND status = 'pending'",
                    rs -> rs.getString(1), id);
            if (app.isEmpty() || Jdbc.update(c, "UPDATE app_test_invitations SET status = 'accepted', answered_at = ?"
                    + " WHERE id = ? AND status = 'pending'", now, id) != 1) {
                return false;
            }
            if (Jdbc.list(c, "SELECT 1 FROM app_test_users WHERE client_id = ? AND account_id = ?", rs -> 1,
                    app.get(0), accountId).isEmpty()) {
                Jdbc.update(c, "INSERT INTO app_test_users (client_id, account_id) VALUES (?, ?)", app.get(0), accountId);
                // A change of the app: an edit read before it must not write the old list of test users back.
                Jdbc.update(c, "UPDATE apps SET version = version + 1 WHERE client_id = ?", app.get(0));
            }
            return true;
        });
    }

    @Override
    public boolean decline(long id, Instant now) {
        return jdbc.update("UPDATE app_test_invitations SET status = 'declined', answered_at = ? WHERE id = ? AND status = 'pending'",
                now, id) == 1;
    }

    @Override
    public boolean withdraw(String clientId, long id) {
        return jdbc.update("DELETE FROM app_test_invitations WHERE id = ? AND client_id = ? AND status <> 'accepted'",
                id, clientId) == 1;
    }

    private static TestInvitation map(ResultSet rs) throws SQLException {
        return new TestInvitation(rs.getLong("id"), rs.getString("client_id"), rs.getString("email"),
                Jdbc.nullableLong(rs, "account_id"), TestInvitation.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "answered_at"));
    }
}
