package io.gatehouse.app;

import io.gatehouse.account.Accounts;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.JsonBody;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** SPEC §9: apps on the admin port: create for an owner, read, change, review. */
public final class AppAdminEndpoints {
    private final Apps apps;
    private final Accounts accounts;
    private final ClientSettings settings;

    public AppAdminEndpoints(Apps apps, Accounts accounts, ClientSettings settings) {
        this.settings = settings;
        this.apps = apps;
        this.accounts = accounts;
    }

    public void register(Router r) {
        r.add(new Route("POST", "/admin/v1/apps", Route.Access.CREDENTIAL, null, this::create));
        r.add(new Route("GET", "/admin/v1/apps", Route.Access.CREDENTIAL, null, this::list));
        r.add(new Route("GET", "/admin/v1/apps/{clientId}", Route.Access.CREDENTIAL, null,
                ex -> ex.json(200, view(app(ex)))));
        r.add(new Route("PATCH", "/admin/v1/apps/{clientId}", Route.Access.CREDENTIAL, null, this::update));
        r.add(new Route("POST", "/admin/v1/apps/{clientId}/approve", Route.Access.CREDENTIAL, null,
                ex -> ex.json(200, view(apps.approve(app(ex))))));
        r.add(new Route("POST", "/admin/v1/apps/{clientId}/decline", Route.Access.CREDENTIAL, null, ex -> {
            App app = app(ex);
            String note = ex.body().length == 0 ? null : ex.jsonObject().optionalString("note", 2000);
            ex.json(200, view(apps.decline(app, note == null ? "" : note.strip())));
        }));
    }

    private void create(Exchange ex) {
        JsonBody b = ex.jsonObject();
        Long owner = b.optionalLong("owner_id", 1, Long.MAX_VALUE);
        if (owner == null) {
            throw ApiException.invalid("owner_id is required");
        }
        if (accounts.byId(owner).isEmpty()) {
            throw ApiException.invalid("owner_id " + owner + " is not an account");
        }
        AppRequests.OidcFields oidc = AppRequests.oidcFields(b);
        Apps.WithSecret created = apps.create(owner, AppRequests.registration(b, testUsers(b)));
        settings.change(created.app().clientId(), oidc.postLogoutRedirectUris(), oidc.allowedOrigins());
        ex.header("Location", "/admin/v1/apps/" + created.app().clientId());
        ex.json(201, view(created.app(), created.secret()));
    }

    private void list(Exchange ex) {
        String status = ex.query("status");
        App.ReviewStatus filter = null;
        if (status != null) {
            try {
                filter = App.ReviewStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("status must be draft, pending, approved or declined");
            }
        }
        var found = apps.list(filter);
        ex.json(200, Map.of("apps", found.stream().map(this::view).toList(), "total", found.size()));
    }

    private void update(Exchange ex) {
        App app = app(ex);
        JsonBody b = ex.jsonObject();
        boolean setLimit = b.node().has("rate_limit_per_minute");
        Long limit = setLimit ? b.optionalLong("rate_limit_per_minute", 1, 1_000_000_000) : null;
        Apps.Edit edit = new Apps.Edit(AppRequests.name(b), b.optionalString("description", 1000),
                b.optionalStrings("redirect_uris", RedirectUris.MAX, 2000), b.optionalStrings("permissions", 100, 100),
                true, setLimit, limit == null ? null : limit.intValue(), testUsers(b), b.optionalBoolean("introspect"));
        AppRequests.OidcFields oidc = AppRequests.oidcFields(b);
        App edited = apps.edit(app, edit);
        settings.change(edited.clientId(), oidc.postLogoutRedirectUris(), oidc.allowedOrigins());
        if (edited.mode() == App.Mode.PRODUCTION && (edit.redirectUris() != null || oidc.postLogoutRedirectUris() != null)) {
            settings.markReviewed(edited); // an admin's change is reviewed by its author
        }
        ex.json(200, view(edited));
    }

    /** {@code test_users}: account ids; each must exist. Null when absent. */
    private Set<Long> testUsers(JsonBody b) {
        if (!b.has("test_users")) {
            return null;
        }
        var node = b.node().get("test_users");
        if (!node.isArray() || node.size() > 100) {
            throw ApiException.invalid("test_users must be an array of at most 100 account ids");
        }
        Set<Long> ids = new HashSet<>();
        for (var n : node) {
            if (!n.canConvertToLong() || !n.isIntegralNumber()) {
                throw ApiException.invalid("test_users must be an array of account ids");
            }
            long id = n.longValue();
            if (accounts.byId(id).isEmpty()) {
                throw ApiException.invalid("test_users: " + id + " is not an account");
            }
            ids.add(id);
        }
        return ids;
    }

    private AppView view(App a) {
        return view(a, null);
    }

    private AppView view(App a, String secret) {
        return AppView.of(a, secret, settings.of(a.clientId()));
    }

    private App app(Exchange ex) {
        String clientId = ex.param("clientId");
        if (apps.get(clientId).isEmpty()) {
            throw ApiException.notFound("App " + clientId + " does not exist");
        }
        return apps.fresh(clientId);
    }
}
