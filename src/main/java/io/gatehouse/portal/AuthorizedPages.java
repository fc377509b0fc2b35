package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.oauth.AuthorizationEndpoints;
import java.time.Instant;
import java.util.Map;

/** Authorized apps: the apps this account let in, with their permissions; revoke one. */
public final class AuthorizedPages {
    private final Portal portal;
    private final AuthorizationEndpoints authorizations;
    private final PermissionCatalog catalog;

    public AuthorizedPages(Portal portal, AuthorizationEndpoints authorizations, PermissionCatalog catalog) {
        this.portal = portal;
        this.authorizations = authorizations;
        this.catalog = catalog;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/portal/authorized", Route.Access.OPEN, null, Portal.handler(ex -> {
            Account a = portal.require(ex);
            StringBuilder b = new StringBuilder(Portal.notice(ex, Map.of("revoked", "Access revoked: the app's tokens no longer work.")))
                    .append("<h1>Authorized apps</h1>");
            var list = authorizations.list(a.id());
            if (list.isEmpty()) {
                b.append("<p>You have not authorized any app.</p>");
            }
            b.append("<ul class=\"cards\">");
            for (Map<String, Object> auth : list) {
                String clientId = (String) auth.get("client_id");
                b.append("<li class=\"card\"><h2>").append(Html.esc((String) auth.get("name"))).append("</h2><p class=\"hint\">Since ")
                        .append(KeyPages.day((Instant) auth.get("authorized_at"))).append(" · <code>").append(Html.esc(clientId))
                        .append("</code></p><ul>");
                for (String p : ((String) auth.get("scope")).split(" ")) {
                    if (!p.isBlank()) {
                        b.append("<li><code>").append(Html.esc(p)).append("</code> ").append(Html.esc(catalog.describe(p))).append("</li>");
                    }
                }
                b.append("</ul><form method=\"post\" action=\"/portal/authorized/").append(Html.esc(clientId)).append("/revoke\">")
                        .append(portal.csrfField(ex)).append("<button type=\"submit\" class=\"danger\">Revoke access</button></form></li>");
            }
            b.append("</ul>");
            portal.page(ex, 200, "Authorized apps", a, b.toString());
        })));
        r.add(new Route("POST", "/portal/authorized/{clientId}/revoke", Route.Access.OPEN, null, Portal.handler(ex -> {
            Account a = portal.require(ex);
            portal.form(ex);
            authorizations.revoke(a.id(), ex.param("clientId"));
            Portal.redirect(ex, "/portal/authorized?done=revoked");
        })));
    }
}
