package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.TestInvitations;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Invitations to test apps (SPEC §8): the account's pending ones, each with the app and its developer;
 * accepting makes the account a test user of the app (it may then authorize it while in development),
 * declining hides the invitation. The developer learns who the account is only from an acceptance.
 */
final class InvitationPages {
    private static final Map<String, String> NOTICES = Map.of("accepted", "Accepted: you may now authorize the app while it is in development.",
            "declined", "Declined.", "gone", "That invitation is no longer waiting for you.");

    private final Portal portal;
    private final TestInvitations invitations;
    private final Apps apps;
    private final Accounts accounts;

    InvitationPages(Portal portal, TestInvitations invitations, Apps apps, Accounts accounts) {
        this.portal = portal;
        this.invitations = invitations;
        this.apps = apps;
        this.accounts = accounts;
    }

    record Invite(long id, String app, String description, String developer) {
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/invitations", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            List<Invite> list = invitations.pendingFor(a).stream()
                    .flatMap(i -> apps.get(i.clientId()).map(app -> new Invite(i.id(), app.name(), app.description(), developer(app))).stream())
                    .toList();
            Portal.render(ex, 200, "invitations.jte", Portal.model("chrome", portal.chrome(ex, "Invitations", a),
                    "notice", Portal.notice(ex, NOTICES), "invites", list));
        }));
        r.add(new Route("POST", "/portal/invitations/{id}/accept", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            boolean done = invitations.accept(a, portal.id(ex, "id", a));
            Portal.redirect(ex, "/portal/invitations?done=" + (done ? "accepted" : "gone"));
        }));
        r.add(new Route("POST", "/portal/invitations/{id}/decline", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            boolean done = invitations.decline(a, portal.id(ex, "id", a));
            Portal.redirect(ex, "/portal/invitations?done=" + (done ? "declined" : "gone"));
        }));
    }

    private String developer(App app) {
        Optional<Account> owner = accounts.byId(app.ownerId());
        return owner.map(o -> {
            String name = (o.firstName() + " " + o.lastName()).strip();
            return name.isEmpty() ? o.email() : name + " (" + o.email() + ")";
        }).orElse("unknown");
    }
}
