package io.gatehouse.lifecycle;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Ending things (SPEC §8, §9 v2): deleting an app, disabling or deleting an account. Each is one
 * transaction that makes the change and ends everything that hangs on it (API keys, grants and so every
 * token, sessions, test users and invitations, reset links), run through {@link Revocations}: the
 * ended keys, grants and apps are written to the revocation log in that transaction and published after
 * the commit (this node at once, the others over Redis; a node that missed the message reads the log).
 *
 * <p>Deleted apps and accounts keep their rows, found by no lookup: a client id never comes back, an
 * account id is never reused, and records that name them stay valid. A deleted account's personal data
 * (email, name, password hash, leads) is removed and its email is free again.
 */
public final class Lifecycle {
    private final Jdbc jdbc;
    private final Revocations revocations;
    private final Accounts accounts;
    private final Clock clock;
    private final Audit audit;

    public Lifecycle(Jdbc jdbc, Revocations revocations, Accounts accounts, Clock clock, Audit audit) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.revocations = revocations;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Deletes a live app: every grant and token of it, its test users and invitations end with it. */
    public void deleteApp(String clientId) {
        Instant now = clock.instant();
        revocations.run(out -> jdbc.inTransaction(c -> {
            if (!endApp(c, clientId, now, out)) {
                throw DomainException.notFound("App " + clientId + " does not exist");
            }
            audit.record(Audit.event(AuditType.APP_DELETED).client(clientId));
            return null;
        }));
    }

    /**
     * An admin's change of an account (SPEC §9 {@code PATCH}): names, email, role, disabled. Disabling
     * ends the account's keys, grants (so every token) and sessions in the same transaction.
     */
    public Account changeAccount(long accountId, Accounts.Change change) {
        Account a = accounts.fresh(accountId).orElseThrow(() -> DomainException.notFound("Account " + accountId + " does not exist"));
        for (int attempt = 1; ; attempt++) {
            Optional<Account> written = tryChangeAccount(a, change);
            accounts.evict(accountId);
            if (written.isPresent()) {
                return written.get();
            }
            // Someone changed the account since it was read: apply the change again to what is stored now.
            if (attempt == Accounts.ATTEMPTS) {
                throw Accounts.lostRace(accountId);
            }
            a = accounts.fresh(accountId).orElseThrow(() -> DomainException.notFound("Account " + accountId + " does not exist"));
        }
    }

    /** The change written onto version {@code a.version()} of the account; empty when the stored version moved on. */
    private Optional<Account> tryChangeAccount(Account a, Accounts.Change change) {
        long accountId = a.id();
        Account changed = accounts.checked(a, change);
        Instant now = clock.instant();
        boolean disabling = changed.disabled() && !a.disabled();
        try {
            return revocations.run(out -> jdbc.inTransaction(c -> {
                int n = Jdbc.update(c, "UPDATE accounts SET email = ?, email_lower = ?, first_name = ?, last_name = ?, role = ?,"
                                + " disabled_at = " + (changed.disabled() ? "COALESCE(disabled_at, ?)" : "?")
                                + ", version = version + 1 WHERE id = ? AND version = ? AND deleted_at IS NULL",
                        changed.email(), changed.email().toLowerCase(Locale.ROOT), changed.firstName(), changed.lastName(),
                        changed.role(), changed.disabled() ? now : null, accountId, a.version());
                if (n != 1) {
                    return Optional.<Account>empty();
                }
                if (disabling) {
                    endAccountCredentials(c, accountId, now, out);
                }
                audit.record(Audit.event(disabling ? AuditType.ACCOUNT_DISABLED : AuditType.ACCOUNT_CHANGED).account(accountId)
                        .detail("fields", Accounts.changedFields(a, changed)));
                return Optional.of(changed.withVersion(a.version() + 1));
            }));
        } catch (DuplicateException e) {
            throw DomainException.conflict("An account with this email already exists.");
        }
    }

    /**
     * Deletes an account: its keys, grants, sessions and reset links end; its apps are deleted (with
     * every grant other accounts gave them); its test-user places, invitations and leads go; its row
     * keeps only its id.
     */
    public void deleteAccount(long accountId) {
        Instant now = clock.instant();
        revocations.run(out -> jdbc.inTransaction(c -> {
            List<String> emails = Jdbc.list(c, "SELECT email_lower FROM accounts WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
                    rs -> rs.getString(1), accountId);
            if (emails.isEmpty()) {
                throw DomainException.notFound("Account " + accountId + " does not exist");
            }
            endAccountCredentials(c, accountId, now, out);
            for (String clientId : Jdbc.list(c, "SELECT client_id FROM apps WHERE owner_id = ? AND deleted_at IS NULL",
                    rs -> rs.getString(1), accountId)) {
                endApp(c, clientId, now, out);
            }
            for (String clientId : Jdbc.list(c, "SELECT client_id FROM app_test_users WHERE account_id = ?",
                    rs -> rs.getString(1), accountId)) {
                out.add(Revocation.app(clientId)); // its test users changed: every node reloads it
                Jdbc.update(c, "UPDATE apps SET updated_at = ? WHERE client_id = ?", now, clientId);
            }
            Jdbc.update(c, "DELETE FROM app_test_users WHERE account_id = ?", accountId);
            Jdbc.update(c, "DELETE FROM app_test_invitations WHERE account_id = ? OR LOWER(email) = ?", accountId, emails.get(0));
            Jdbc.update(c, "DELETE FROM leads WHERE account_id = ?", accountId);
            String gone = "deleted-" + accountId + "@deleted.invalid";
            Jdbc.update(c, "UPDATE accounts SET email = ?, email_lower = ?, first_name = '', last_name = '', password_hash = '!',"
                    + " version = version + 1, deleted_at = ?, disabled_at = COALESCE(disabled_at, ?) WHERE id = ?", gone, gone, now, now, accountId);
            audit.record(Audit.event(AuditType.ACCOUNT_DELETED).account(accountId));
            return null;
        }));
        accounts.evict(accountId);
    }

    /** The account's API keys, its grants (its own and those made with its keys), sessions and reset links. */
    private static void endAccountCredentials(Connection c, long accountId, Instant now, Revocations.Ended out) throws SQLException {
        // The keys' rows in id order, the order in which a group commit of client_credentials grants locks them.
        List<Long> keys = Jdbc.list(c, "SELECT id FROM api_keys WHERE account_id = ? AND revoked_at IS NULL ORDER BY id FOR UPDATE",
                rs -> rs.getLong(1), accountId);
        Jdbc.update(c, "UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL", now, accountId);
        keys.forEach(k -> out.add(Revocation.apiKey(k)));
        List<Long> grants = Jdbc.list(c, "SELECT id FROM grants WHERE revoked_at IS NULL AND (account_id = ?"
                + " OR api_key_id IN (SELECT id FROM api_keys WHERE account_id = ?)) FOR UPDATE", rs -> rs.getLong(1), accountId, accountId);
        endGrants(c, grants, now, out);
        Jdbc.update(c, "DELETE FROM sessions WHERE account_id = ?", accountId);
        Jdbc.update(c, "DELETE FROM password_resets WHERE account_id = ?", accountId);
    }

    /** Marks a live app deleted and ends what hangs on it; false if there is no such live app. */
    private static boolean endApp(Connection c, String clientId, Instant now, Revocations.Ended out) throws SQLException {
        if (clientId == null || clientId.length() > 64
                || Jdbc.update(c, "UPDATE apps SET deleted_at = ?, updated_at = ?, secret_hash = NULL"
                + " WHERE client_id = ? AND deleted_at IS NULL", now, now, clientId) != 1) {
            return false;
        }
        List<Long> grants = Jdbc.list(c, "SELECT id FROM grants WHERE client_id = ? AND revoked_at IS NULL FOR UPDATE",
                rs -> rs.getLong(1), clientId);
        endGrants(c, grants, now, out);
        Jdbc.update(c, "UPDATE auth_codes SET used_at = ? WHERE client_id = ? AND used_at IS NULL", now, clientId);
        Jdbc.update(c, "DELETE FROM app_test_users WHERE client_id = ?", clientId);
        Jdbc.update(c, "DELETE FROM app_test_invitations WHERE client_id = ?", clientId);
        out.add(Revocation.app(clientId));
        return true;
    }

    private static void endGrants(Connection c, List<Long> grants, Instant now, Revocations.Ended out) throws SQLException {
        for (long g : grants) {
            Jdbc.update(c, "UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, g);
            out.add(Revocation.grant(g));
        }
    }
}
