package io.gatehouse.app;

import io.gatehouse.account.Account;
import io.gatehouse.account.AccountView;
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

    public AppEndpoints(Apps apps, Accounts accounts) {
        this.apps = apps;
        this.accounts = accounts;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/v1.0/permissions", Route.Access.ACCOUNT, null,
                ex -> ex.json(200, Map.of("permissions", apps.catalog().all()))));
        r.add(new Route("POST", "/v1.0/apps", Route.Access.ACCOUNT, null, this::create));
        r.add(new Route("GET", "/v1.0/apps", Route.Access.ACCOUNT, null, ex -> ex.json(200,
                Map.of("apps", apps.byOwner(ex.principal().accountId()).stream().map(AppView::of).toList()))));
        r.add(new Route("GET", "/v1.0/apps/{clientId}", Route.Access.ACCOUNT, null, ex -> ex.json(200, AppView.of(own(ex)))));
        r.add(new Route("PATCH", "/v1.0/apps/{clientId}", Route.Access.ACCOUNT, null, this::update));
        r.add(new Route("POST", "/v1.0/apps/{clientId}/secret", Route.Access.ACCOUNT, null, ex -> {
            Apps.WithSecret rotated = apps.rotateSecret(own(ex));
            ex.json(200, AppView.of(rotated.app(), rotated.secret()));
        }));
        r.add(new Route("POST", "/v1.0/apps/{clientId}/submit", Route.Access.ACCOUNT, null,
                ex -> ex.json(200, AppView.of(apps.submit(own(ex))))));
        r.add(new Route("GET", "/v1.0/apps/{clientId}/test-users", Route.Access.ACCOUNT, null, ex -> {
            App app = own(ex);
            ex.json(200, Map.of("test_users", testUsers(app)));
        }));
        r.add(new Route("POST", "/v1.0/apps/{clientId}/test-users", Route.Access.ACCOUNT, null, this::addTestUser));
        r.add(new Route("DELETE", "/v1.0/apps/{clientId}/test-users/{accountId}", Route.Access.ACCOUNT, null, ex -> {
            App app = own(ex);
            long id = ex.idParam("accountId", ApiError.RESOURCE_NOT_EXIST, "Test user");
            ex.json(200, AppView.of(apps.removeTestUser(app, id)));
        }));
    }

    private void create(Exchange ex) {
        JsonBody b = ex.jsonObject();
        Apps.WithSecret created = apps.create(ex.principal().accountId(), AppRequests.registration(b, null));
        ex.header("Location", "/v1.0/apps/" + created.app().clientId());
        ex.json(201, AppView.of(created.app(), created.secret()));
    }

    private void update(Exchange ex) {
        App app = own(ex);
        JsonBody b = ex.jsonObject();
        Apps.Edit edit = Apps.Edit.byDeveloper(AppRequests.name(b), b.optionalString("description", 1000),
                b.optionalStrings("redirect_uris", RedirectUris.MAX, 2000), b.optionalStrings("permissions", 100, 100));
        ex.json(200, AppView.of(apps.edit(app, edit)));
    }

    private void addTestUser(Exchange ex) {
        App app = own(ex);
        JsonBody b = ex.jsonObject();
        Account user;
        Long id = b.optionalLong("account_id", 1, Long.MAX_VALUE);
        if (id != null) {
            user = accounts.byId(id).orElseThrow(() -> ApiException.invalid("account_id " + id + " does not exist"));
        } else {
            String email = b.requiredString("email", 254);
            user = accounts.byEmail(email.strip()).orElseThrow(() -> ApiException.invalid("email: no account has this email"));
        }
        ex.json(200, AppView.of(apps.addTestUser(app, user)));
    }

    private List<AccountView> testUsers(App app) {
        return app.testUsers().stream().sorted().map(accounts::byId).flatMap(java.util.Optional::stream)
                .map(AccountView::of).toList();
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
