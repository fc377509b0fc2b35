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
public final class AdminPages {
    private static final Map<String, String> NOTICES = Map.of("approved", "Approved: the app is in production.",
            "declined", "Declined; the developer sees your note.", "limit", "Limit changed; it applies to the next request.");

    private final Portal portal;
    private final Apps apps;
    private final AccountStore accounts;

    public AdminPages(Portal portal, Apps apps, AccountStore accounts) {
        this.portal = portal;
        this.apps = apps;
        this.accounts = accounts;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/portal/admin", Route.Access.OPEN, null, Portal.handler(this::page)));
        r.add(new Route("POST", "/portal/admin/apps/{clientId}/approve", Route.Access.OPEN, null, Portal.handler(ex -> {
            portal.requireAdmin(ex);
            portal.form(ex);
            apps.approve(app(ex));
            Portal.redirect(ex, "/portal/admin?done=approved");
        })));
        r.add(new Route("POST", "/portal/admin/apps/{clientId}/decline", Route.Access.OPEN, null, Portal.handler(ex -> {
            portal.requireAdmin(ex);
            Map<String, String> f = portal.form(ex);
            String note = f.getOrDefault("note", "").strip();
            apps.decline(app(ex), note.length() > 2000 ? note.substring(0, 2000) : note);
            Portal.redirect(ex, "/portal/admin?done=declined");
        })));
        r.add(new Route("POST", "/portal/admin/apps/{clientId}/limit", Route.Access.OPEN, null, Portal.handler(ex -> {
            portal.requireAdmin(ex);
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
            apps.setRateLimit(app(ex), limit);
            Portal.redirect(ex, "/portal/admin?done=limit");
        })));
    }

    private App app(Exchange ex) {
        return apps.fresh(ex.param("clientId"));
    }

    private void page(Exchange ex) {
        Account a = portal.requireAdmin(ex);
        StringBuilder b = new StringBuilder(Portal.notice(ex, NOTICES)).append("<h1>Admin</h1><h2>Review queue</h2>");
        List<App> pending = apps.list(App.ReviewStatus.PENDING);
        if (pending.isEmpty()) {
            b.append("<p>Nothing waits for review.</p>");
        }
        b.append("<ul class=\"cards\">");
        for (App app : pending) {
            String id = Html.esc(app.clientId());
            String owner = accounts.byId(app.ownerId()).map(Account::email).orElse("?");
            b.append("<li class=\"card review\" data-client-id=\"").append(id).append("\"><h3>").append(Html.esc(app.name()))
                    .append("</h3><p class=\"hint\">by ").append(Html.esc(owner)).append(" · <code>").append(id).append("</code> · ")
                    .append(AppPages.mode(app)).append("</p><p>").append(Html.esc(app.description())).append("</p><p>Permissions: ")
                    .append(AppPages.codes(app.pendingPermissions() != null ? app.pendingPermissions() : app.permissions()))
                    .append("</p><p>Redirect URIs: ").append(AppPages.codes(app.redirectUris())).append("</p>")
                    .append("<form method=\"post\" class=\"inline\" action=\"/portal/admin/apps/").append(id).append("/approve\">")
                    .append(portal.csrfField(ex)).append("<button type=\"submit\" class=\"primary\">Approve</button></form>")
                    .append("<form method=\"post\" action=\"/portal/admin/apps/").append(id).append("/decline\">").append(portal.csrfField(ex))
                    .append("<label for=\"note-").append(id).append("\">Note for the developer</label><textarea id=\"note-").append(id)
                    .append("\" name=\"note\" rows=\"2\" required maxlength=\"2000\"></textarea><button type=\"submit\" class=\"danger\">Decline</button></form></li>");
        }
        b.append("</ul><h2>Apps and limits</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">App</th><th scope=\"col\">Mode</th>")
                .append("<th scope=\"col\">Review</th><th scope=\"col\">Requests/min</th></tr></thead><tbody>");
        for (App app : apps.list(null)) {
            String id = Html.esc(app.clientId());
            b.append("<tr><td>").append(Html.esc(app.name())).append("<div class=\"hint\"><code>").append(id).append("</code></div></td><td>")
                    .append(AppPages.mode(app)).append("</td><td>").append(Html.esc(app.reviewStatus().wire())).append("</td><td>")
                    .append("<form method=\"post\" class=\"inline row\" action=\"/portal/admin/apps/").append(id).append("/limit\">")
                    .append(portal.csrfField(ex)).append("<label class=\"sr-only\" for=\"limit-").append(id).append("\">Requests per minute for ")
                    .append(Html.esc(app.name())).append("</label><input id=\"limit-").append(id).append("\" name=\"limit\" type=\"number\" min=\"1\" value=\"")
                    .append(app.rateLimitPerMinute()).append("\"><button type=\"submit\">Set</button></form></td></tr>");
        }
        b.append("</tbody></table></div><h2>Accounts</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Email</th>")
                .append("<th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">Created</th></tr></thead><tbody>");
        for (Account acct : accounts.list(100, 0)) {
            b.append("<tr><td>").append(Html.esc(acct.email())).append("</td><td>").append(Html.esc((acct.firstName() + " " + acct.lastName()).strip()))
                    .append("</td><td>").append(acct.role().wire()).append("</td><td>").append(KeyPages.day(acct.createdAt())).append("</td></tr>");
        }
        b.append("</tbody></table></div>");
        portal.page(ex, 200, "Admin", a, b.toString());
    }
}
