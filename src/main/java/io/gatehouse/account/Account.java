package io.gatehouse.account;

import java.time.Instant;

/** A person with a login. Never carries password material. A disabled account cannot log in (SPEC §9). */
public record Account(long id, String email, String firstName, String lastName, Role role, Instant createdAt, boolean disabled) {
    public Account(long id, String email, String firstName, String lastName, Role role, Instant createdAt) {
        this(id, email, firstName, lastName, role, createdAt, false);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
