package io.gatehouse.account;

import java.time.Instant;

/** A person with a login. Never carries password material. */
public record Account(long id, String email, String firstName, String lastName, Role role, Instant createdAt) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
