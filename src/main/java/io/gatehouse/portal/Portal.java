package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Answered;
import io.gatehouse.http.Exchange;
import java.util.Map;
import java.util.Optional;

/**
 * What every portal page shares: who is logged in, the layout with its navigation, CSRF-checked forms
 * and redirects. Pages are plain server-rendered HTML that works without JavaScript.
 */
public final class Portal {
    private final Sessions sessions;
    private final Accounts accounts;
    private final boolean secureCookies;

    public Portal(Sessions sessions, Accounts accounts, boolean secureCookies) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.secureCookies = secureCookies;
    }

    /** Thrown to send the browser elsewhere (to the login page, after a form). */
    static final class Redirect extends RuntimeException {
        final String location;

        Redirect(String location) {
            super(null, null, false, false);
            this.location = location;
        }
    }

    public Optional<Account> account(Exchange ex) {
        Principal p = sessions.verify(ex.cookie(Sessions.COOKIE));
        return p == null ? Optional.empty() : accounts.byId(p.accountId());
    }

    /** The logged-in account, or a redirect to the login page that comes back here. */
    Account require(Exchange ex) {
        return account(ex).orElseThrow(() -> {
            String query = ex.rawRequest().query().rawValue();
            String here = ex.path() + (query == null || query.isEmpty() ? "" : "?" + query);
            return new Redirect(LoginEndpoints.loginUrl("GET".equals(ex.method()) ? here : "/portal"));
        });
    }

    Account requireAdmin(Exchange ex) {
        Account a = require(ex);
        if (!a.isAdmin()) {
            page(ex, 403, "Not allowed", a, "<h1>Not allowed</h1><p>This page is for admins.</p>");
            throw new Answered();
        }
        return a;
    }

    /** A submitted form, after its CSRF token was checked. */
    Map<String, String> form(Exchange ex) {
        Map<String, String> f = ex.form();
        Csrf.check(ex, f.get(Csrf.FIELD));
        return f;
    }

    String csrfField(Exchange ex) {
        return Csrf.field(Csrf.token(ex, secureCookies));
    }

    boolean secureCookies() {
        return secureCookies;
    }

    /** A page with the portal's header and navigation. */
    void page(Exchange ex, int status, String title, Account account, String body) {
        StringBuilder nav = new StringBuilder("<header class=\"top\"><a class=\"brand\" href=\"/portal\">Gatehouse</a>");
        if (account != null) {
            nav.append("<nav aria-label=\"Portal\"><a href=\"/portal/apps\">My apps</a><a href=\"/portal/keys\">API keys</a>")
                    .append("<a href=\"/portal/authorized\">Authorized apps</a>");
            if (account.isAdmin()) {
                nav.append("<a href=\"/portal/admin\">Admin</a>");
            }
            nav.append("</nav><form method=\"post\" action=\"/portal/logout\" class=\"logout\">").append(csrfField(ex))
                    .append("<span class=\"who\">").append(Html.esc(account.email())).append("</span>")
                    .append("<button type=\"submit\">Log out</button></form>");
        }
        nav.append("</header>");
        Html.layout(ex, status, title, nav + "<main id=\"main\" class=\"content\">" + body + "</main>");
    }

    /** A short confirmation shown once after a form, chosen by a code in the URL (never a secret). */
    static String notice(Exchange ex, Map<String, String> messages) {
        String code = ex.query("done");
        String text = code == null ? null : messages.get(code);
        return text == null ? "" : "<p class=\"notice\" role=\"status\">" + Html.esc(text) + "</p>";
    }

    static void redirect(Exchange ex, String location) {
        ex.header("Location", location);
        ex.send(303, null, new byte[0]);
    }

    /** Runs a page handler, turning a Redirect into its answer. */
    static io.gatehouse.http.Endpoint handler(io.gatehouse.http.Endpoint page) {
        return ex -> {
            try {
                page.handle(ex);
            } catch (Redirect r) {
                ex.header("Location", r.location);
                ex.send(303, null, new byte[0]);
            }
        };
    }
}
