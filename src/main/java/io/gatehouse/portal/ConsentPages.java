package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.app.App;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.http.Exchange;
import io.gatehouse.oauth.OidcScopes;
import java.util.List;
import java.util.Map;

/** The authorize flow's pages in the portal's look: the consent page and the errors that never redirect. */
final class ConsentPages {
    private final Portal portal;
    private final Accounts accounts;
    private final PermissionCatalog catalog;

    ConsentPages(Portal portal, Accounts accounts, PermissionCatalog catalog) {
        this.portal = portal;
        this.accounts = accounts;
        this.catalog = catalog;
    }

    /** What the consent page shows and posts back to {@code /oauth/authorize}; {@code formTarget} is the redirect's origin. */
    record Consent(App app, long accountId, List<String> scope, Map<String, String> fields, String returnHost,
                   String formTarget, String action) {
        Consent(App app, long accountId, List<String> scope, Map<String, String> fields, String returnHost, String formTarget) {
            this(app, accountId, scope, fields, returnHost, formTarget, "/oauth/authorize");
        }
    }

    /** What consent.jte shows: the app, who made it, for whom, and each permission in words. */
    record View(App app, String developer, String you, List<AuthorizedPages.Permission> permissions, Map<String, String> fields,
                String returnHost, String action) {
    }

    void consent(Exchange ex, Consent c) {
        App app = c.app();
        String developer = accounts.byId(app.ownerId()).map(a -> {
            String name = (a.firstName() + " " + a.lastName()).strip();
            return name.isEmpty() ? a.email() : name + " (" + a.email() + ")";
        }).orElse("unknown");
        String you = accounts.byId(c.accountId()).map(Account::email).orElse("");
        List<AuthorizedPages.Permission> permissions = c.scope().stream()
                .map(s -> new AuthorizedPages.Permission(s, OidcScopes.describe(s) != null ? OidcScopes.describe(s) : catalog.describe(s)))
                .toList();
        View view = new View(app, developer, you, permissions, c.fields(), c.returnHost(), c.action());
        // The form ends in a redirect to the app: form-action must allow its origin (built from parsed parts only).
        String[] targets = c.formTarget() == null ? new String[0] : new String[] {c.formTarget()};
        Portal.render(ex, 200, "consent.jte", Map.of("chrome", portal.chrome(ex, "Authorize " + app.name(), null), "view", view),
                targets);
    }

    /** An error that must not go back to the app (unknown client, unregistered redirect URI): a page, never a redirect. */
    void error(Exchange ex, String title, String message) {
        portal.message(ex, 400, null, title, message);
    }

    /** Whether a posted form carries this browser's CSRF token; when not, answers ("form expired") and returns false. */
    boolean formIsGenuine(Exchange ex, Map<String, String> form) {
        try {
            portal.checkCsrf(ex, form);
            return true;
        } catch (io.gatehouse.http.Answered answered) {
            return false;
        }
    }

    String loginUrl(String next) {
        return LoginEndpoints.loginUrl(next);
    }
}
