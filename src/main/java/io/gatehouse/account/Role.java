package io.gatehouse.account;

import java.util.Locale;
import java.util.Optional;

/** What an account may do beyond its own data: admins review apps and manage accounts. */
public enum Role {
    USER, ADMIN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text) {
        for (Role r : values()) {
            if (r.wire().equals(text)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
