package io.gatehouse.app;

import io.gatehouse.account.Accounts;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.JsonBody;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.List;
import java.util.Map;

/** The developer's JSON API for their own apps: {@code /v1.0/apps} (the account itself, never an app's token). */
public final class AppEndpoints {
    private final Apps apps;
    private final Accounts accounts;
    private final TestInvitations invitations;
    private final ClientSettings settings;

    public AppEndpoints(Apps apps, Accounts accounts, TestInvitations invitations, ClientSettings settings) {
        this.settings = settings;
        this.apps = apps;
        this.accounts = accounts;
        this.invitations = invitations;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/v1.0/permissions", Route.Access.ACCOUNT, null,
                ex -> ex.json(200, Map.of("permissions", apps.catalog().all()))));
        r.add(new Route("POST", "/v1.0/apps", Route.Access.ACCOUNT, null, this::create));
        r.add(new Route("GET", "/v1.0/apps", Route.Access.ACCOUNT, null, ex -> ex.json(200,
                Map.of("apps", apps.byOwner(ex.principal().accountId()).stream().map(this::view).toList()))));
        r.add(new Route("GET", "/v1.0/apps/{clientId}", Route.Access.ACCOUNT, null, ex -> ex.json(200, view(own(ex)))));
        r.add(new Route("PATCH", "/v1.0/apps/{clientId}", Route.Access.ACCOUNT, null, this::update));
        r.add(new Route("POST", "/v1.0/apps/{clientId}/secret", Route.Access.ACCOUNT, null, ex -> {
            Apps.WithSecret rotated = apps.rotateSecret(own(ex));
            ex.json(200, view(rotated.app(), rotated.secret()));
        }));
        r.add(new Route("POST", "/v1.0/apps/{clientId}/submit", Route.Access.ACCOUNT, null,
                ex -> ex.json(200, view(apps.submit(own(ex))))));
        r.add(new Route("GET", "/v1.0/apps/{clientId}/test-users", Route.Access.ACCOUNT, null, ex -> {
            App app = own(ex);
            ex.json(200, Map.of("test_users", testUsers(app),
                    "invitations", invitations.waiting(app).stream().map(TestInvitationView::of).toList()));
        }));
        r.add(new Route("POST", "/v1.0/apps/{clientId}/test-users", Route.Access.ACCOUNT, null, this::invite));
        r.add(new Route("DELETE", "/v1.0/apps/{clientId}/test-users/invitations/{invitationId}", Route.Access.ACCOUNT, null, ex -> {
            App app = own(ex);
            long id = ex.idParam("invitationId", ApiError.RESOURCE_NOT_EXIST, "Invitation");
            if (!invitations.withdraw(app, id)) {
                throw ApiException.notFound("Invitation " + id + " does not exist");
            }
            ex.noContent();
        }));
        r.add(new Route("DELETE", "/v1.0/apps/{clientId}/test-users/{accountId}", Route.Access.ACCOUNT, null, ex -> {
            App app = own(ex);
            long id = ex.idParam("accountId", ApiError.RESOURCE_NOT_EXIST, "Test user");
            ex.json(200, view(apps.removeTestUser(app, id)));
        }));
    }

    private void create(Exchange ex) {
        JsonBody b = ex.jsonObject();
        AppRequests.OidcFields oidc = AppRequests.oidcFields(b);
        Apps.WithSecret created = apps.create(ex.principal().accountId(), AppRequests.registration(b, null));
        settings.change(created.app().clientId(), oidc.postLogoutRedirectUris(), oidc.allowedOrigins());
        ex.header("Location", "/v1.0/apps/" + created.app().clientId());
        ex.json(201, view(created.app(), created.secret()));
    }

    /** What a developer may change; anything else a PATCH names is refused, naming it, rather than ignored. */
    private static final java.util.Set<String> ADMIN_FIELDS = java.util.Set.of("rate_limit_per_minute", "test_users", "mode",
            "review_status", "introspect");
    private static final java.util.Set<String> DEVELOPER_FIELDS = java.util.Set.of("name", "description", "redirect_uris", "permissions",
            "post_logout_redirect_uris", "allowed_origins");

    private void update(Exchange ex) {
        App app = own(ex);
        JsonBody b = ex.jsonObject();
        b.node().fieldNames().forEachRemaining(field -> {
            if (!DEVELOPER_FIELDS.contains(field)) {
                String shown = field.length() > 64 ? field.substring(0, 64) + "..." : field;
                throw ApiException.invalid(ADMIN_FIELDS.contains(field)
                        ? field + " can only be changed by an admin"
                        : shown + " cannot be changed here (you may change name, description, redirect_uris, permissions,"
                        + " post_logout_redirect_uris, allowed_origins)");
            }
        });
        Apps.Edit edit = Apps.Edit.byDeveloper(AppRequests.name(b), b.optionalString("description", 1000),
                b.optionalStrings("redirect_uris", RedirectUris.MAX, 2000), b.optionalStrings("permissions", 100, 100));
        AppRequests.OidcFields oidc = AppRequests.oidcFields(b);
        App edited = apps.edit(app, edit);
        settings.change(edited.clientId(), oidc.postLogoutRedirectUris(), oidc.allowedOrigins());
        ex.json(200, view(edited));
    }

    /** SPEC §8: an invitation that tells nothing about the account, the same for an unknown email or id. */
    private void invite(Exchange ex) {
        App app = own(ex);
        JsonBody b = ex.jsonObject();
        Long id = b.optionalLong("account_id", 1, Long.MAX_VALUE);
        String email = id == null ? b.requiredString("email", 254) : null;
        TestInvitations.Invited invited = invitations.invite(app, email, id);
        ex.json(invited.created() ? 201 : 200, TestInvitationView.of(invited.invitation()));
    }

    /** The accepted test users: they agreed, so their id and email are shown; nothing else. */
    private List<Map<String, Object>> testUsers(App app) {
        return app.testUsers().stream().sorted().map(accounts::byId).flatMap(java.util.Optional::stream)
                .map(a -> Map.<String, Object>of("id", a.id(), "email", a.email())).toList();
    }

    private AppView view(App a) {
        return view(a, null);
    }

    private AppView view(App a, String secret) {
        return AppView.of(a, secret, settings.of(a.clientId()));
    }

    /** The app, if the caller owns it; anyone else's is 404, as if it did not exist. */
    private App own(Exchange ex) {
        String clientId = ex.param("clientId");
        App app = apps.get(clientId).orElse(null);
        if (app == null || app.ownerId() != ex.principal().accountId()) {
            throw ApiException.notFound("App " + clientId + " does not exist");
        }
        return apps.fresh(clientId);
    }
}
