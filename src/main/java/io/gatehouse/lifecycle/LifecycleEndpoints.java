package io.gatehouse.lifecycle;

import io.gatehouse.account.AccountView;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.Role;
import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.JsonBody;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.Set;

/** SPEC §8, §9 v2 over the API: deleting apps (developer and admin), changing, disabling and deleting accounts (admin). */
public final class LifecycleEndpoints {
    private static final Set<String> ACCOUNT_FIELDS = Set.of("firstName", "lastName", "email", "role", "disabled");

    private final Lifecycle lifecycle;
    private final Apps apps;

    public LifecycleEndpoints(Lifecycle lifecycle, Apps apps) {
        this.lifecycle = lifecycle;
        this.apps = apps;
    }

    public void registerPublic(Router r) {
        r.add(new Route("DELETE", "/v1.0/apps/{clientId}", Route.Access.ACCOUNT, null, ex -> {
            String clientId = ex.param("clientId");
            App app = apps.get(clientId).filter(a -> a.ownerId() == ex.principal().accountId())
                    .orElseThrow(() -> ApiException.notFound("App " + clientId + " does not exist"));
            lifecycle.deleteApp(app.clientId());
            ex.send(204, null, new byte[0]);
        }));
    }

    public void registerAdmin(Router r) {
        r.add(new Route("DELETE", "/admin/v1/apps/{clientId}", Route.Access.CREDENTIAL, null, ex -> {
            lifecycle.deleteApp(ex.param("clientId"));
            ex.send(204, null, new byte[0]);
        }));
        r.add(new Route("PATCH", "/admin/v1/accounts/{id}", Route.Access.CREDENTIAL, null, this::changeAccount));
        r.add(new Route("DELETE", "/admin/v1/accounts/{id}", Route.Access.CREDENTIAL, null, ex -> {
            lifecycle.deleteAccount(ex.idParam("id", ApiError.RESOURCE_NOT_EXIST, "Account"));
            ex.send(204, null, new byte[0]);
        }));
    }

    private void changeAccount(Exchange ex) {
        long id = ex.idParam("id", ApiError.RESOURCE_NOT_EXIST, "Account");
        JsonBody b = ex.jsonObject();
        b.node().fieldNames().forEachRemaining(field -> {
            if (!ACCOUNT_FIELDS.contains(field)) {
                String shown = field.length() > 64 ? field.substring(0, 64) + "..." : field;
                throw ApiException.invalid(shown + " cannot be changed (you may change firstName, lastName, email, role, disabled)");
            }
        });
        String roleText = b.optionalString("role", 16);
        Role role = roleText == null ? null : Role.parse(roleText).orElseThrow(() -> ApiException.invalid("role must be user or admin"));
        if (b.present("email") && !b.has("email")) {
            throw ApiException.invalid("email cannot be null");
        }
        Accounts.Change change = new Accounts.Change(b.optionalString("firstName", 100), b.optionalString("lastName", 100),
                b.optionalString("email", 254), role, b.optionalBoolean("disabled"));
        ex.json(200, AccountView.of(lifecycle.changeAccount(id, change)));
    }
}
