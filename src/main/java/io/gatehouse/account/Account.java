package io.gatehouse.account;

import java.time.Instant;

/**
 * A person with a login. Never carries password material. A disabled account cannot log in (SPEC §9).
 * {@code version} goes up with every stored change; a change made from an older version is refused.
 */
public record Account(long id, String email, String firstName, String lastName, Role role, Instant createdAt, boolean disabled,
                      long version) {
    public Account(long id, String email, String firstName, String lastName, Role role, Instant createdAt) {
        this(id, email, firstName, lastName, role, createdAt, false, 0);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public Account withVersion(long v) {
        return new Account(id, email, firstName, lastName, role, createdAt, disabled, v);
    }
}
