package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.oauth.Authorizations;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Authorized apps: the apps this account let in, with their permissions; revoke one. */
final class AuthorizedPages {
    private final Portal portal;
    private final Authorizations authorizations;
    private final PermissionCatalog catalog;

    AuthorizedPages(Portal portal, Authorizations authorizations, PermissionCatalog catalog) {
        this.portal = portal;
        this.authorizations = authorizations;
        this.catalog = catalog;
    }

    record Card(String clientId, String name, String since, List<Permission> permissions) {
    }

    record Permission(String name, String description) {
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/authorized", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            List<Card> cards = authorizations.list(a.id()).stream().map(auth -> new Card(auth.clientId(), auth.name(),
                    KeyPages.day(auth.authorizedAt()), Arrays.stream(auth.scope().split(" ")).filter(p -> !p.isBlank())
                            .map(p -> new Permission(p, catalog.describe(p))).toList())).toList();
            Portal.render(ex, 200, "authorized.jte", Portal.model("chrome", portal.chrome(ex, "Authorized apps", a), "cards", cards,
                    "notice", Portal.notice(ex, Map.of("revoked", "Access revoked: the app's tokens no longer work."))));
        }));
        r.add(new Route("POST", "/portal/authorized/{clientId}/revoke", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            portal.form(ex);
            authorizations.revoke(a.id(), ex.param("clientId"));
            Portal.redirect(ex, "/portal/authorized?done=revoked");
        }));
    }
}
