package io.gatehouse.app;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.core.DomainException;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.IdGenerator;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Test users by invitation (SPEC §8, §11). A developer invites an email or an account id; the answer
 * and every later listing show only what the developer typed, the same for an address nobody has, so
 * inviting tells nothing about accounts. The invited account sees the invitation in the portal and
 * accepts (it becomes a test user, and only then does the developer see it) or declines (the developer
 * keeps seeing "pending", as for an unknown address). Admins set test users directly (AppAdminEndpoints).
 */
public final class TestInvitations {
    /** Invitations an app may have waiting at once, so that nobody fills the table through one app. */
    public static final int MAX_WAITING = 50;

    private final TestInvitationStore store;
    private final Apps apps;
    private final IdGenerator ids;
    private final Clock clock;

    public TestInvitations(TestInvitationStore store, Apps apps, IdGenerator ids, Clock clock) {
        this.store = store;
        this.apps = apps;
        this.ids = ids;
        this.clock = clock;
    }

    /** An invitation, and whether it is new (else the same invitee was invited before and has not accepted). */
    public record Invited(TestInvitation invitation, boolean created) {
    }

    /** An invitation to join the app's test users; the same one again when it already waits. */
    public Invited invite(App app, String email, Long accountId) {
        String mail = email == null ? null : Accounts.checkEmail("email", email).toLowerCase(Locale.ROOT);
        if (mail == null && (accountId == null || accountId <= 0)) {
            throw DomainException.invalid("email or account_id is required");
        }
        List<TestInvitation> waiting = store.unaccepted(app.clientId());
        for (TestInvitation i : waiting) {
            if (mail != null ? mail.equals(i.email()) : accountId.equals(i.accountId())) {
                return new Invited(asDeveloperSees(i), false);
            }
        }
        if (waiting.size() >= MAX_WAITING) {
            throw DomainException.conflict("This app already has " + MAX_WAITING + " invitations waiting; withdraw some first.");
        }
        TestInvitation invitation = new TestInvitation(ids.next(), app.clientId(), mail, mail == null ? accountId : null,
                TestInvitation.Status.PENDING, clock.instant(), null);
        store.insert(invitation);
        return new Invited(invitation, true);
    }

    /** What the developer sees: invitations not accepted yet, a declined one shown as still pending. */
    public List<TestInvitation> waiting(App app) {
        return store.unaccepted(app.clientId()).stream().map(TestInvitations::asDeveloperSees).toList();
    }

    /** A declined invitation looks pending to the developer, exactly like one to an address nobody has. */
    private static TestInvitation asDeveloperSees(TestInvitation i) {
        return new TestInvitation(i.id(), i.clientId(), i.email(), i.accountId(), TestInvitation.Status.PENDING, i.createdAt(), null);
    }

    /** The invitations waiting for this account's answer. */
    public List<TestInvitation> pendingFor(Account account) {
        return store.pendingFor(account.id(), account.email());
    }

    /** Accepts an invitation addressed to this account; false when there is no such pending invitation. */
    public boolean accept(Account account, long invitationId) {
        if (addressed(account, invitationId).isEmpty()) {
            return false;
        }
        boolean accepted;
        try {
            accepted = store.accept(invitationId, account.id(), clock.instant());
        } catch (DuplicateException raced) {
            // Another invitation to the same app was accepted at the same moment: the row exists now.
            accepted = store.accept(invitationId, account.id(), clock.instant());
        }
        if (accepted) {
            apps.testUsersChanged(store.byId(invitationId).map(TestInvitation::clientId).orElseThrow());
        }
        return accepted;
    }

    /** Declines an invitation addressed to this account; false when there is no such pending invitation. */
    public boolean decline(Account account, long invitationId) {
        return addressed(account, invitationId).isPresent() && store.decline(invitationId, clock.instant());
    }

    /** The developer takes back an invitation that was not accepted; false when there is none. */
    public boolean withdraw(App app, long invitationId) {
        return store.withdraw(app.clientId(), invitationId);
    }

    private Optional<TestInvitation> addressed(Account account, long invitationId) {
        return store.byId(invitationId)
                .filter(i -> i.status() == TestInvitation.Status.PENDING && i.isFor(account.id(), account.email()));
    }
}
