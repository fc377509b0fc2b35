package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.ClientSettings;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.app.TestInvitation;
import io.gatehouse.app.TestInvitations;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.Exchange;
import io.gatehouse.lifecycle.Lifecycle;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.ratelimit.UsageRecorder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** My apps: register, view (with the traffic chart), edit, rotate the secret, test users, submit for review. */
final class AppPages {
    private static final Map<String, String> NOTICES = Map.of(
            "created", "App registered.", "rotated", "A new secret was made; the old one no longer works.",
            "saved", "Changes saved.", "submitted", "Submitted for review.", "pending",
            "Saved. The added permissions wait for an admin's review; until then the app keeps its current ones.",
            "tester", "Test users updated.", "invited", "Invitation sent. The account sees it under Invitations when it logs in.",
            "withdrawn", "Invitation withdrawn.");

    private final Portal portal;
    private final Apps apps;
    private final Accounts accounts;
    private final TestInvitations invitations;
    private final PermissionCatalog catalog;
    private final UsageRecorder usage;
    private final Flash flash;
    private final ClientSettings settings;
    private final Lifecycle lifecycle;

    AppPages(Portal portal, Apps apps, Accounts accounts, TestInvitations invitations, PermissionCatalog catalog,
             UsageRecorder usage, Flash flash, ClientSettings settings, Lifecycle lifecycle) {
        this.settings = settings;
        this.lifecycle = lifecycle;
        this.portal = portal;
        this.apps = apps;
        this.accounts = accounts;
        this.invitations = invitations;
        this.catalog = catalog;
        this.usage = usage;
        this.flash = flash;
    }

    /** The app form: registering (app null) or editing; values as typed when a submission was refused. */
    record Form(App app, String name, String description, String redirectUris, String type, Set<String> chosen,
                Map<String, String> catalog, String error, String postLogoutRedirectUris, String allowedOrigins) {
    }

    /** The app's page; {@code secret} is there once, right after it was made. */
    record Show(App app, String secret, String notice, String error, UsageChart chart, List<Tester> testers,
                List<TestInvitation> invitations) {
    }

    record Tester(long id, String email) {
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/apps", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            Portal.render(ex, 200, "apps.jte", Portal.model("chrome", portal.chrome(ex, "My apps", a), "apps", apps.byOwner(a.id()),
                    "notice", "deleted".equals(ex.query("done")) ? "The app was deleted. Its tokens no longer work." : null));
        }));
        r.add(new Route("GET", "/portal/apps/new", Route.Access.SESSION, null, ex -> form(ex, portal.account(ex), null, null, null)));
        r.add(new Route("POST", "/portal/apps/new", Route.Access.SESSION, null, this::create));
        r.add(new Route("GET", "/portal/apps/{clientId}", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            App app = own(ex, a);
            String secret = flash.take(ex.cookie(Sessions.COOKIE), secretFlash(app)).orElse(null);
            show(ex, a, app, 200, secret, Portal.notice(ex, NOTICES), null);
        }));
        r.add(new Route("GET", "/portal/apps/{clientId}/edit", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            form(ex, a, own(ex, a), null, null);
        }));
        r.add(new Route("POST", "/portal/apps/{clientId}/edit", Route.Access.SESSION, null, this::edit));
        r.add(new Route("POST", "/portal/apps/{clientId}/secret", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            App app = own(ex, a);
            Apps.WithSecret rotated;
            try {
                rotated = apps.rotateSecret(app);
            } catch (DomainException e) {
                show(ex, a, app, Portal.status(e), null, null, e.getMessage());
                return;
            }
            flash.put(ex.cookie(Sessions.COOKIE), secretFlash(app), rotated.secret());
            Portal.redirect(ex, page(app, "rotated"));
        }));
        r.add(new Route("POST", "/portal/apps/{clientId}/submit", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            App app = own(ex, a);
            try {
                apps.submit(app);
            } catch (DomainException e) {
                show(ex, a, app, Portal.status(e), null, null, e.getMessage());
                return;
            }
            Portal.redirect(ex, page(app, "submitted"));
        }));
        r.add(new Route("POST", "/portal/apps/{clientId}/test-users", Route.Access.SESSION, null, this::invite));
        r.add(new Route("POST", "/portal/apps/{clientId}/delete", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            Map<String, String> f = portal.form(ex);
            App app = own(ex, a);
            // SPEC §8: confirmed by typing the app's name.
            if (!app.name().equals(f.getOrDefault("confirm", "").strip())) {
                show(ex, a, app, 400, null, null, "To delete the app, type its name exactly as it is shown: " + app.name());
                return;
            }
            lifecycle.deleteApp(app.clientId());
            Portal.redirect(ex, "/portal/apps?done=deleted");
        }));
        r.add(new Route("POST", "/portal/apps/{clientId}/test-users/{accountId}/remove", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            App app = own(ex, a);
            apps.removeTestUser(app, portal.id(ex, "accountId", a));
            Portal.redirect(ex, page(app, "tester"));
        }));
        r.add(new Route("POST", "/portal/apps/{clientId}/invitations/{invitationId}/withdraw", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            App app = own(ex, a);
            invitations.withdraw(app, portal.id(ex, "invitationId", a));
            Portal.redirect(ex, page(app, "withdrawn"));
        }));
    }

    private void form(Exchange ex, Account a, App app, String error, Map<String, String> values) {
        boolean editing = app != null;
        String name = values != null ? values.getOrDefault("name", "") : editing ? app.name() : "";
        String description = values != null ? values.getOrDefault("description", "") : editing ? app.description() : "";
        String uris = values != null ? values.getOrDefault("redirect_uris", "") : editing ? String.join("\n", app.redirectUris()) : "";
        String type = values == null ? "confidential" : values.getOrDefault("type", "confidential");
        Set<String> chosen = values != null ? Set.copyOf(permissions(values))
                : editing ? Set.copyOf(app.pendingPermissions() != null ? app.pendingPermissions() : app.permissions()) : Set.of();
        ClientSettings.Settings current = editing ? settings.of(app.clientId()) : ClientSettings.Settings.NONE;
        String logout = values != null ? values.getOrDefault("post_logout_redirect_uris", "")
                : String.join("\n", current.postLogoutRedirectUris());
        String origins = values != null ? values.getOrDefault("allowed_origins", "") : String.join("\n", current.allowedOrigins());
        Form form = new Form(app, name, description, uris, type, chosen, catalog.all(), error, logout, origins);
        Portal.render(ex, error == null ? 200 : 400, "app_form.jte",
                Map.of("chrome", portal.chrome(ex, editing ? "Edit app" : "Register an app", a), "form", form));
    }

    private void create(Exchange ex) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        Apps.WithSecret created;
        try {
            App.ClientType type = "public".equals(f.get("type")) ? App.ClientType.PUBLIC : App.ClientType.CONFIDENTIAL;
            List<String> logout = ClientSettings.logoutUris(lines(f.get("post_logout_redirect_uris")));
            List<String> origins = ClientSettings.origins(lines(f.get("allowed_origins")));
            created = apps.create(a.id(), new Apps.Registration(required(f, "name"), f.getOrDefault("description", "").strip(),
                    type, lines(f.get("redirect_uris")), permissions(f), null));
            settings.change(created.app().clientId(), logout, origins);
        } catch (DomainException e) {
            form(ex, a, null, e.getMessage(), f);
            return;
        }
        if (created.secret() != null) {
            flash.put(ex.cookie(Sessions.COOKIE), secretFlash(created.app()), created.secret());
        }
        Portal.redirect(ex, page(created.app(), "created"));
    }

    private void edit(Exchange ex) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        App app = own(ex, a);
        try {
            List<String> logout = ClientSettings.logoutUris(lines(f.get("post_logout_redirect_uris")));
            List<String> origins = ClientSettings.origins(lines(f.get("allowed_origins")));
            App updated = apps.edit(app, Apps.Edit.byDeveloper(required(f, "name"), f.getOrDefault("description", "").strip(),
                    lines(f.get("redirect_uris")), permissions(f)));
            settings.change(app.clientId(), logout, origins);
            boolean pending = updated.pendingPermissions() != null && app.pendingPermissions() == null;
            Portal.redirect(ex, page(app, pending ? "pending" : "saved"));
        } catch (DomainException e) {
            form(ex, a, app, e.getMessage(), f);
        }
    }

    private void invite(Exchange ex) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        App app = own(ex, a);
        try {
            invitations.invite(app, f.getOrDefault("email", ""), null);
        } catch (DomainException e) {
            show(ex, a, app, Portal.status(e), null, null, e.getMessage());
            return;
        }
        Portal.redirect(ex, page(app, "invited"));
    }

    private void show(Exchange ex, Account a, App app, int status, String secret, String notice, String error) {
        List<Tester> testers = app.testUsers().stream().sorted()
                .map(id -> new Tester(id, accounts.byId(id).map(Account::email).orElse("account " + id))).toList();
        Show show = new Show(app, secret, notice, error, UsageChart.of(usage.lastHour(app.clientId()), app.rateLimitPerMinute()),
                testers, invitations.waiting(app));
        Portal.render(ex, status, "app.jte", Map.of("chrome", portal.chrome(ex, app.name(), a), "show", show));
    }

    /** The app, if this account owns it; anyone else's is the "not found" page, as if it did not exist. */
    private App own(Exchange ex, Account a) {
        String clientId = ex.param("clientId");
        App app = apps.get(clientId).orElse(null);
        if (app == null || app.ownerId() != a.id()) {
            throw portal.notFound(ex, a, "You have no app with that client id.");
        }
        return apps.fresh(clientId);
    }

    private static String page(App app, String done) {
        return "/portal/apps/" + app.clientId() + "?done=" + done;
    }

    private static String secretFlash(App app) {
        return "app-secret:" + app.clientId();
    }

    private static String required(Map<String, String> f, String field) {
        String v = f.getOrDefault(field, "").strip();
        if (v.isEmpty()) {
            throw DomainException.invalid(field + " is required");
        }
        if (v.length() > 100) {
            throw DomainException.invalid(field + " must be at most 100 characters");
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
