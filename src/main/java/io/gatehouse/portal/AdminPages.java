package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.AccountStore;
import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.List;
import java.util.Map;

/** Admin: the review queue (approve, decline with a note), app limits, and the accounts. */
final class AdminPages {
    private static final Map<String, String> NOTICES = Map.of("approved", "Approved: the app is in production.",
            "declined", "Declined; the developer sees your note.", "limit", "Limit changed; it applies to the next request.");

    private final Portal portal;
    private final Apps apps;
    private final AccountStore accounts;

    AdminPages(Portal portal, Apps apps, AccountStore accounts) {
        this.portal = portal;
        this.apps = apps;
        this.accounts = accounts;
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/admin", Route.Access.SESSION, null, this::page));
        r.add(new Route("POST", "/portal/admin/apps/{clientId}/approve", Route.Access.SESSION, null, ex -> {
            Account a = portal.requireAdmin(ex);
            portal.form(ex);
            apps.approve(app(ex, a));
            Portal.redirect(ex, "/portal/admin?done=approved");
        }));
        r.add(new Route("POST", "/portal/admin/apps/{clientId}/decline", Route.Access.SESSION, null, ex -> {
            Account a = portal.requireAdmin(ex);
            Map<String, String> f = portal.form(ex);
            String note = f.getOrDefault("note", "").strip();
            apps.decline(app(ex, a), note.length() > 2000 ? note.substring(0, 2000) : note);
            Portal.redirect(ex, "/portal/admin?done=declined");
        }));
        r.add(new Route("POST", "/portal/admin/apps/{clientId}/limit", Route.Access.SESSION, null, ex -> {
            Account a = portal.requireAdmin(ex);
            Map<String, String> f = portal.form(ex);
            String v = f.getOrDefault("limit", "").strip();
            Integer limit = null;
            if (!v.isEmpty()) {
                try {
                    limit = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1) {
                    Portal.redirect(ex, "/portal/admin");
                    return;
                }
            }
            apps.setRateLimit(app(ex, a), limit);
            Portal.redirect(ex, "/portal/admin?done=limit");
        }));
    }

    /** The app named in the path; an unknown one is the "not found" page. */
    private App app(Exchange ex, Account a) {
        String clientId = ex.param("clientId");
        if (apps.get(clientId).isEmpty()) {
            throw portal.notFound(ex, a, "There is no app with that client id.");
        }
        return apps.fresh(clientId);
    }

    /** A pending app as the reviewer sees it. */
    record Review(App app, String owner, List<String> permissions) {
    }

    private void page(Exchange ex) {
        Account a = portal.requireAdmin(ex);
        List<Review> pending = apps.list(App.ReviewStatus.PENDING).stream().map(app -> new Review(app,
                accounts.byId(app.ownerId()).map(Account::email).orElse("?"),
                app.pendingPermissions() != null ? app.pendingPermissions() : app.permissions())).toList();
        Portal.render(ex, 200, "admin.jte", Portal.model("chrome", portal.chrome(ex, "Admin", a), "notice", Portal.notice(ex, NOTICES),
                "pending", pending, "apps", apps.list(null), "accounts", accounts.list(100, 0)));
    }
}
