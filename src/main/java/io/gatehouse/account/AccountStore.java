package io.gatehouse.account;

import java.util.List;
import java.util.Optional;

/** Where accounts live. Emails are unique without regard to letter case. */
public interface AccountStore {
    /** @throws io.gatehouse.store.DuplicateException when the email is taken in any letter case */
    void insert(Account account, String passwordHash);

    Optional<Account> byId(long id);

    Optional<Account> byEmail(String email);

    /** The stored password hash of the account with this email, for login. */
    Optional<StoredLogin> loginByEmail(String email);

    List<Account> list(int limit, int offset);

    record StoredLogin(Account account, String passwordHash) {
        @Override
        public String toString() {
            return "StoredLogin[" + account.id() + "]";
        }
    }
}
