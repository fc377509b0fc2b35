package io.gatehouse.account;

import java.util.List;
import java.util.Optional;

/** Where accounts live. Emails are unique without regard to letter case. Deleted accounts are found by no lookup. */
public interface AccountStore {
    /** @throws io.gatehouse.store.DuplicateException when the email is taken in any letter case */
    void insert(Account account, String passwordHash);

    Optional<Account> byId(long id);

    Optional<Account> byEmail(String email);

    /** The stored password hash of the account with this email, for login. */
    Optional<StoredLogin> loginByEmail(String email);

    /** The stored password hash of this account, to confirm a change with the current password. */
    Optional<String> passwordHash(long id);

    List<Account> list(int limit, int offset);

    /** How many accounts there are (deleted ones not counted). */
    long count();

    /**
     * Writes name, email, role and disabled as they are in {@code account} (never the password hash), if
     * the stored row is still at {@code account.version()}; the version goes up by one. False, changing
     * nothing, when someone changed the account meanwhile (or it is gone). {@code disabledAt} is when a
     * disabled account was disabled.
     *
     * @throws io.gatehouse.store.DuplicateException when the email is taken in any letter case
     */
    boolean update(Account account, java.time.Instant disabledAt);

    /**
     * Sets a new password hash (the version goes up, whatever else changed meanwhile) and, in the same transaction, ends the account's portal sessions but the
     * one whose hash is {@code keepSessionHash} (null: all of them) and every reset link not yet used.
     */
    void setPassword(long id, String passwordHash, String keepSessionHash);

    record StoredLogin(Account account, String passwordHash) {
        @Override
        public String toString() {
            return "StoredLogin[" + account.id() + "]";
        }
    }
}
