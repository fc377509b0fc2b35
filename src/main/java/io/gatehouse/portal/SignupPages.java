package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.NewAccount;
import io.gatehouse.account.Role;
import io.gatehouse.auth.Throttle;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.HashMap;
import java.util.Map;

/** Sign-up: any account can be a developer. New accounts are plain users; admins are made by admins. */
final class SignupPages {
    private final Portal portal;
    private final Accounts accounts;
    private final LoginEndpoints login;
    private final Throttle throttle;

    SignupPages(Portal portal, Accounts accounts, LoginEndpoints login, Throttle throttle) {
        this.portal = portal;
        this.accounts = accounts;
        this.login = login;
        this.throttle = throttle;
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/signup", Route.Access.OPEN, null, ex -> form(ex, 200, null, Map.of())));
        r.add(new Route("POST", "/portal/signup", Route.Access.OPEN, null, this::signup));
    }

    private void form(Exchange ex, int status, String error, Map<String, String> values) {
        Map<String, Object> page = new HashMap<>();
        page.put("chrome", portal.chrome(ex, "Sign up", null));
        page.put("values", values);
        page.put("error", error);
        Portal.render(ex, status, "signup.jte", page);
    }

    private void signup(Exchange ex) {
        Map<String, String> f = portal.form(ex);
        long wait = throttle.retryAfter(null, ex.remoteAddress());
        if (wait > 0) {
            form(ex, 429, "Too many sign-ups from here. Try again in " + wait + " seconds.", f);
            return;
        }
        try {
            Account a = accounts.create(new NewAccount(f.get("email"), f.get("password"), f.get("firstName"), f.get("lastName"), Role.USER));
            throttle.fail(null, ex.remoteAddress()); // counts sign-ups per address
            login.startSession(ex, a.id());
            Portal.redirect(ex, "/portal/apps");
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.UNAVAILABLE) {
                ex.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            form(ex, Portal.status(e), e.getMessage(), f);
        }
    }
}
