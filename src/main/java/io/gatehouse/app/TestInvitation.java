package io.gatehouse.app;

import java.time.Instant;
import java.util.Locale;

/**
 * An invitation to test an app while it is in development (SPEC §8). It names its invitee exactly as
 * the developer typed it: an email (lower-cased) or an account id, never anything read from an account.
 */
public record TestInvitation(long id, String clientId, String email, Long accountId, Status status, Instant createdAt,
                             Instant answeredAt) {

    public enum Status {
        PENDING, ACCEPTED, DECLINED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether this invitation is addressed to the account with this id and email. */
    public boolean isFor(long id, String accountEmail) {
        return accountId != null ? accountId == id : email.equals(accountEmail.toLowerCase(Locale.ROOT));
    }

    /** What the developer typed: the email, or "account N". */
    public String invitee() {
        return email != null ? email : "account " + accountId;
    }
}
