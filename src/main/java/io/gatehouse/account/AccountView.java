package io.gatehouse.account;

import java.time.Instant;

/** An account on the wire (camelCase, as the Lofty API): never any password material. */
public record AccountView(long id, String email, String firstName, String lastName, String role, Instant createTime,
                          boolean disabled) {
    public static AccountView of(Account a) {
        return new AccountView(a.id(), a.email(), a.firstName(), a.lastName(), a.role().wire(), a.createdAt(), a.disabled());
    }
}
