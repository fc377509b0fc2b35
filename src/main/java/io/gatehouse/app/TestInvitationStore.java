package io.gatehouse.app;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where test-user invitations live. */
public interface TestInvitationStore {
    void insert(TestInvitation invitation);

    Optional<TestInvitation> byId(long id);

    /** The app's invitations not accepted yet (pending or declined), oldest first. */
    List<TestInvitation> unaccepted(String clientId);

    /** Pending invitations addressed to this account id or to this (lower-cased) email, oldest first. */
    List<TestInvitation> pendingFor(long accountId, String email);

    /**
     * Accepts a pending invitation and makes the account a test user of its app, in one transaction;
     * false when the invitation was no longer pending (nothing changes then).
     */
    boolean accept(long id, long accountId, Instant now);

    /** Declines a pending invitation; false when it was no longer pending. */
    boolean decline(long id, Instant now);

    /** Deletes an invitation of this app that is not accepted; false when there is none. */
    boolean withdraw(String clientId, long id);
}
