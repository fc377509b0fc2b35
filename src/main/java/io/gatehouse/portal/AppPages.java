package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.ratelimit.UsageRecorder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** My apps: register, view (with the traffic chart), edit, rotate the secret, test users, submit for review. */
public final class AppPages {
    private static final Map<String, String> NOTICES = Map.of(
            "saved", "Changes saved.", "submitted", "Submitted for review.", "pending",
            "Saved. The added permissions wait for an admin's review; until then the app keeps its current ones.",
            "tester", "Test users updated.");

    private final Portal portal;
    private final Apps apps;
    private final Accounts accounts;
    private final PermissionCatalog catalog;
    private final UsageRecorder usage;

    public AppPages(Portal portal, Apps apps, Accounts accounts, PermissionCatalog catalog, UsageRecorder usage) {
        this.portal = portal;
        this.apps = apps;
        this.accounts = accounts;
        this.catalog = catalog;
        this.usage = usage;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/portal/apps", Route.Access.OPEN, null, Portal.handler(this::list)));
        r.add(new Route("GET", "/portal/apps/new", Route.Access.OPEN, null, Portal.handler(ex -> form(ex, portal.require(ex), null, null, null))));
        r.add(new Route("POST", "/portal/apps/new", Route.Access.OPEN, null, Portal.handler(this::create)));
        r.add(new Route("GET", "/portal/apps/{clientId}", Route.Access.OPEN, null, Portal.handler(ex -> {
            Account a = portal.require(ex);
            show(ex, a, own(ex, a), null, Portal.notice(ex, NOTICES));
        })));
        r.add(new Route("GET", "/portal/apps/{clientId}/edit", Route.Access.OPEN, null, Portal.handler(ex -> {
            Account a = portal.require(ex);
            form(ex, a, own(ex, a), null, null);
        })));
        r.add(new Route("POST", "/portal/apps/{clientId}/edit", Route.Access.OPEN, null, Portal.handler(this::edit)));
        r.add(new Route("POST", "/portal/apps/{clientId}/secret", Route.Access.OPEN, null, Portal.handler(ex -> {
            Account a = portal.require(ex);
            portal.form(ex);
            Apps.WithSecret rotated = apps.rotateSecret(own(ex, a));
            show(ex, a, rotated.app(), rotated.secret(), "<p class=\"notice\" role=\"status\">A new secret was made; the old one "
                    + "no longer works.</p>");
        })));
        r.add(new Route("POST", "/portal/apps/{clientId}/submit", Route.Access.OPEN, null, Portal.handler(ex -> {
            Account a = portal.require(ex);
            portal.form(ex);
            App app = apps.submit(own(ex, a));
            Portal.redirect(ex, "/portal/apps/" + app.clientId() + "?done=submitted");
        })));
        r.add(new Route("POST", "/portal/apps/{clientId}/test-users", Route.Access.OPEN, null, Portal.handler(this::addTester)));
        r.add(new Route("POST", "/portal/apps/{clientId}/test-users/{accountId}/remove", Route.Access.OPEN, null,
                Portal.handler(ex -> {
                    Account a = portal.require(ex);
                    portal.form(ex);
                    App app = own(ex, a);
                    apps.removeTestUser(app, Long.parseLong(ex.param("accountId")));
                    Portal.redirect(ex, "/portal/apps/" + app.clientId() + "?done=tester");
                })));
    }

    private void list(Exchange ex) {
        Account a = portal.require(ex);
        List<App> mine = apps.byOwner(a.id());
        StringBuilder b = new StringBuilder("<div class=\"title-row\"><h1>My apps</h1>"
                + "<a class=\"button primary\" href=\"/portal/apps/new\">Register an app</a></div>");
        if (mine.isEmpty()) {
            b.append("<p>No apps yet. Register one to get a client id and start calling the API for your users.</p>");
        } else {
            b.append("<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Client id</th>")
                    .append("<th scope=\"col\">Mode</th><th scope=\"col\">Limit</th><th scope=\"col\">Review</th></tr></thead><tbody>");
            for (App app : mine) {
                b.append("<tr><td><a href=\"/portal/apps/").append(Html.esc(app.clientId())).append("\">").append(Html.esc(app.name()))
                        .append("</a></td><td><code>").append(Html.esc(app.clientId())).append("</code></td><td>").append(mode(app))
                        .append("</td><td>").append(app.rateLimitPerMinute()).append("/min</td><td>")
                        .append(Html.esc(app.reviewStatus().wire())).append("</td></tr>");
            }
            b.append("</tbody></table></div>");
        }
        portal.page(ex, 200, "My apps", a, b.toString());
    }

    private void form(Exchange ex, Account a, App app, String error, Map<String, String> values) {
        boolean editing = app != null;
        String name = values != null ? values.getOrDefault("name", "") : editing ? app.name() : "";
        String description = values != null ? values.getOrDefault("description", "") : editing ? app.description() : "";
        String uris = values != null ? values.getOrDefault("redirect_uris", "") : editing ? String.join("\n", app.redirectUris()) : "";
        Set<String> chosen = values != null ? Set.copyOf(values.entrySet().stream().filter(e -> e.getKey().startsWith("perm:"))
                .map(e -> e.getKey().substring(5)).toList())
                : editing ? Set.copyOf(app.pendingPermissions() != null ? app.pendingPermissions() : app.permissions()) : Set.of();
        StringBuilder b = new StringBuilder("<h1>").append(editing ? "Edit " + Html.esc(app.name()) : "Register an app").append("</h1>");
        if (error != null) {
            b.append("<p class=\"error\" role=\"alert\">").append(Html.esc(error)).append("</p>");
        }
        b.append("<form method=\"post\" action=\"").append(editing ? "/portal/apps/" + Html.esc(app.clientId()) + "/edit" : "/portal/apps/new")
                .append("\">").append(portal.csrfField(ex))
                .append("<label for=\"name\">Name</label><input id=\"name\" name=\"name\" type=\"text\" required maxlength=\"100\" value=\"")
                .append(Html.esc(name)).append("\">")
                .append("<label for=\"description\">Description</label><textarea id=\"description\" name=\"description\" rows=\"3\" maxlength=\"1000\">")
                .append(Html.esc(description)).append("</textarea>")
                .append("<label for=\"redirect_uris\">Redirect URIs <span class=\"hint\">(one per line)</span></label>")
                .append("<textarea id=\"redirect_uris\" name=\"redirect_uris\" rows=\"3\" required>").append(Html.esc(uris)).append("</textarea>");
        if (!editing) {
            String type = values == null ? "confidential" : values.getOrDefault("type", "confidential");
            b.append("<fieldset><legend>Type</legend>")
                    .append(radio("type", "confidential", type, "Confidential — a server that can keep a client secret"))
                    .append(radio("type", "public", type, "Public — a single-page, mobile or command-line app (PKCE, no secret)"))
                    .append("</fieldset>");
        }
        b.append("<fieldset><legend>Permissions</legend>");
        for (var p : catalog.all().entrySet()) {
            String id = "perm-" + p.getKey().replace('.', '-');
            b.append("<div class=\"check\"><input type=\"checkbox\" id=\"").append(id).append("\" name=\"perm:").append(Html.esc(p.getKey()))
                    .append("\" value=\"on\"").append(chosen.contains(p.getKey()) ? " checked" : "").append("><label for=\"").append(id)
                    .append("\"><code>").append(Html.esc(p.getKey())).append("</code> ").append(Html.esc(p.getValue())).append("</label></div>");
        }
        b.append("</fieldset>");
        if (editing && app.mode() == App.Mode.PRODUCTION) {
            b.append("<p class=\"hint\">This app is in production: added permissions take effect after an admin's review.</p>");
        }
        b.append("<button type=\"submit\" class=\"primary\">").append(editing ? "Save" : "Register").append("</button></form>");
        portal.page(ex, error == null ? 200 : 400, editing ? "Edit app" : "Register an app", a, b.toString());
    }

    private static String radio(String name, String value, String chosen, String label) {
        String id = name + "-" + value;
        return "<div class=\"check\"><input type=\"radio\" id=\"" + id + "\" name=\"" + name + "\" value=\"" + value + "\""
                + (value.equals(chosen) ? " checked" : "") + "><label for=\"" + id + "\">" + Html.esc(label) + "</label></div>";
    }

    private void create(Exchange ex) {
        Account a = portal.require(ex);
        Map<String, String> f = portal.form(ex);
        try {
            App.ClientType type = "public".equals(f.get("type")) ? App.ClientType.PUBLIC : App.ClientType.CONFIDENTIAL;
            Apps.WithSecret created = apps.create(a.id(), new Apps.Registration(required(f, "name"), f.getOrDefault("description", "").strip(),
                    type, lines(f.get("redirect_uris")), permissions(f), null));
            show(ex, a, created.app(), created.secret(), "<p class=\"notice\" role=\"status\">App registered.</p>");
        } catch (ApiException | DomainException e) {
            form(ex, a, null, e.getMessage(), f);
        }
    }

    private void edit(Exchange ex) {
        Account a = portal.require(ex);
        Map<String, String> f = portal.form(ex);
        App app = own(ex, a);
        try {
            App updated = apps.edit(app, Apps.Edit.byDeveloper(required(f, "name"), f.getOrDefault("description", "").strip(),
                    lines(f.get("redirect_uris")), permissions(f)));
            boolean pending = updated.pendingPermissions() != null && app.pendingPermissions() == null;
            Portal.redirect(ex, "/portal/apps/" + app.clientId() + "?done=" + (pending ? "pending" : "saved"));
        } catch (ApiException | DomainException e) {
            form(ex, a, app, e.getMessage(), f);
        }
    }

    private void addTester(Exchange ex) {
        Account a = portal.require(ex);
        Map<String, String> f = portal.form(ex);
        App app = own(ex, a);
        Account tester = accounts.byEmail(f.getOrDefault("email", "").strip()).orElse(null);
        if (tester == null) {
            show(ex, a, app, null, "<p class=\"error\" role=\"alert\">No account has that email.</p>");
            return;
        }
        apps.addTestUser(app, tester);
        Portal.redirect(ex, "/portal/apps/" + app.clientId() + "?done=tester");
    }

    /** The app page; {@code secret} is shown once, right after it was made, with a copy button. */
    private void show(Exchange ex, Account a, App app, String secret, String notice) {
        StringBuilder b = new StringBuilder(notice == null ? "" : notice);
        b.append("<div class=\"title-row\"><h1>").append(Html.esc(app.name())).append("</h1>")
                .append("<a class=\"button\" href=\"/portal/apps/").append(Html.esc(app.clientId())).append("/edit\">Edit</a></div>");
        if (secret != null) {
            b.append("<section class=\"secret\" aria-labelledby=\"secret-title\"><h2 id=\"secret-title\">Client secret</h2>")
                    .append("<p>Copy it now: it is shown only this once. Store it like a password.</p>")
                    .append("<div class=\"copy-row\"><input id=\"client-secret\" type=\"text\" readonly aria-label=\"Client secret\" value=\"")
                    .append(Html.esc(secret)).append("\"><button type=\"button\" class=\"copy\" data-copy=\"client-secret\">Copy</button></div></section>");
        }
        b.append("<dl class=\"facts\"><dt>Client id</dt><dd><code id=\"client-id\">").append(Html.esc(app.clientId())).append("</code></dd>")
                .append("<dt>Type</dt><dd>").append(Html.esc(app.type().wire())).append("</dd>")
                .append("<dt>Mode</dt><dd id=\"app-mode\">").append(mode(app)).append("</dd>")
                .append("<dt>Rate limit</dt><dd id=\"app-limit\">").append(app.rateLimitPerMinute()).append(" requests/min</dd>")
                .append("<dt>Review</dt><dd id=\"app-review\">").append(Html.esc(app.reviewStatus().wire())).append("</dd>");
        if (app.reviewNote() != null && !app.reviewNote().isBlank()) {
            b.append("<dt>Reviewer's note</dt><dd class=\"note\">").append(Html.esc(app.reviewNote())).append("</dd>");
        }
        b.append("<dt>Permissions</dt><dd>").append(codes(app.permissions())).append("</dd>");
        if (app.pendingPermissions() != null) {
            b.append("<dt>Waiting for review</dt><dd class=\"pending\">").append(codes(app.pendingPermissions())).append("</dd>");
        }
        b.append("<dt>Redirect URIs</dt><dd>").append(codes(app.redirectUris())).append("</dd></dl>");

        b.append("<div class=\"actions\">");
        if (app.isConfidential()) {
            b.append("<form method=\"post\" action=\"/portal/apps/").append(Html.esc(app.clientId())).append("/secret\">")
                    .append(portal.csrfField(ex)).append("<button type=\"submit\">Rotate secret</button></form>");
        }
        if (app.reviewStatus() == App.ReviewStatus.DRAFT || app.reviewStatus() == App.ReviewStatus.DECLINED) {
            b.append("<form method=\"post\" action=\"/portal/apps/").append(Html.esc(app.clientId())).append("/submit\">")
                    .append(portal.csrfField(ex)).append("<button type=\"submit\" class=\"primary\">Submit for review</button></form>");
        }
        b.append("</div>");

        b.append("<h2>Traffic</h2>").append(UsageChart.render(usage.lastHour(app.clientId()), app.rateLimitPerMinute()));

        b.append("<h2>Test users</h2><p class=\"hint\">While the app is in development, only you and these accounts may authorize it.</p><ul class=\"plain\">");
        for (Long id : app.testUsers().stream().sorted().toList()) {
            String email = accounts.byId(id).map(Account::email).orElse("account " + id);
            b.append("<li>").append(Html.esc(email)).append(" <form method=\"post\" class=\"inline\" action=\"/portal/apps/")
                    .append(Html.esc(app.clientId())).append("/test-users/").append(id).append("/remove\">").append(portal.csrfField(ex))
                    .append("<button type=\"submit\" aria-label=\"Remove ").append(Html.esc(email)).append("\">Remove</button></form></li>");
        }
        b.append("</ul><form method=\"post\" action=\"/portal/apps/").append(Html.esc(app.clientId())).append("/test-users\" class=\"row\">")
                .append(portal.csrfField(ex)).append("<label for=\"tester-email\">Add a test user by email</label>")
                .append("<input id=\"tester-email\" name=\"email\" type=\"email\" required><button type=\"submit\">Add</button></form>");
        portal.page(ex, 200, app.name(), a, b.toString());
    }

    private App own(Exchange ex, Account a) {
        String clientId = ex.param("clientId");
        App app = apps.get(clientId).orElse(null);
        if (app == null || app.ownerId() != a.id()) {
            portal.page(ex, 404, "Not found", a, "<h1>Not found</h1><p>You have no app with that client id.</p>");
            throw new io.gatehouse.http.Answered();
        }
        return apps.fresh(clientId);
    }

    static String mode(App app) {
        return "<span class=\"mode mode-" + app.mode().wire() + "\">" + app.mode().wire() + "</span>";
    }

    static String codes(List<String> items) {
        if (items.isEmpty()) {
            return "<span class=\"hint\">none</span>";
        }
        StringBuilder b = new StringBuilder();
        for (String s : items) {
            b.append("<code>").append(Html.esc(s)).append("</code> ");
        }
        return b.toString().strip();
    }

    private static String required(Map<String, String> f, String field) {
        String v = f.getOrDefault(field, "").strip();
        if (v.isEmpty()) {
            throw ApiException.invalid(field + " is required");
        }
        if (v.length() > 100) {
            throw ApiException.invalid(field + " must be at most 100 characters");
        }
        return v;
    }

    private static List<String> lines(String text) {
        return text == null ? List.of() : Arrays.stream(text.split("[\\r\\n]+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> permissions(Map<String, String> f) {
        return f.keySet().stream().filter(k -> k.startsWith("perm:")).map(k -> k.substring(5)).sorted().toList();
    }
}
