package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.NewAccount;
import io.gatehouse.account.Role;
import io.gatehouse.auth.FailureThrottle;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.Map;

/** Sign-up: any account can be a developer. New accounts are plain users; admins are made by admins. */
public final class SignupPages {
    private final Portal portal;
    private final Accounts accounts;
    private final LoginEndpoints login;
    private final FailureThrottle throttle;

    public SignupPages(Portal portal, Accounts accounts, LoginEndpoints login, FailureThrottle throttle) {
        this.portal = portal;
        this.accounts = accounts;
        this.login = login;
        this.throttle = throttle;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/portal/signup", Route.Access.OPEN, null, ex -> form(ex, 200, null, Map.of())));
        r.add(new Route("POST", "/portal/signup", Route.Access.OPEN, null, Portal.handler(this::signup)));
    }

    private void form(Exchange ex, int status, String error, Map<String, String> values) {
        Html.page(ex, status, "Sign up", "<h1>Create your Gatehouse account</h1>"
                + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + Html.esc(error) + "</p>")
                + "<form method=\"post\" action=\"/portal/signup\">" + portal.csrfField(ex)
                + field("firstName", "First name", "text", "given-name", values) + field("lastName", "Last name", "text", "family-name", values)
                + field("email", "Email", "email", "username", values)
                + "<label for=\"password\">Password <span class=\"hint\">(8 characters or more)</span></label>"
                + "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required>"
                + "<button type=\"submit\" class=\"primary\">Sign up</button></form><p>Have an account? <a href=\"/portal/login\">Log in</a></p>");
    }

    private static String field(String name, String label, String type, String autocomplete, Map<String, String> values) {
        return "<label for=\"" + name + "\">" + label + "</label><input id=\"" + name + "\" name=\"" + name + "\" type=\"" + type
                + "\" autocomplete=\"" + autocomplete + "\"" + ("email".equals(name) ? " required" : "") + " value=\""
                + Html.esc(values.getOrDefault(name, "")) + "\">";
    }

    private void signup(Exchange ex) {
        Map<String, String> f = portal.form(ex);
        String byAddress = "signup:" + ex.remoteAddress();
        long wait = throttle.retryAfterSeconds(byAddress);
        if (wait > 0) {
            form(ex, 429, "Too many sign-ups from here. Try again in " + wait + " seconds.", f);
            return;
        }
        try {
            Account a = accounts.create(new NewAccount(f.get("email"), f.get("password"), f.get("firstName"), f.get("lastName"), Role.USER));
            throttle.fail(byAddress); // counts sign-ups per address, failed or not
            login.startSession(ex, a.id());
            Portal.redirect(ex, "/portal/apps");
        } catch (DomainException e) {
            form(ex, ApiException.of(e).error().status, e.getMessage(), f);
        }
    }
}
