package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.auth.Secrets;
import io.gatehouse.auth.Throttle;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.lifecycle.Lifecycle;
import java.util.Map;
import java.util.Objects;

/** SPEC §8 v2, account settings: name, email (confirmed with the password), password (ends every other session). */
final class SettingsPages {
    private static final Map<String, String> NOTICES = Map.of("profile", "Your name was saved.",
            "email", "Your email was changed: log in with the new one from now on.",
            "password", "Your password was changed. Every other session of your account has ended.");

    private final Portal portal;
    private final Accounts accounts;
    private final Lifecycle lifecycle;
    private final Throttle passwordChecks;
    private final boolean secureCookies;

    SettingsPages(Portal portal, Accounts accounts, Lifecycle lifecycle, Throttle passwordChecks, boolean secureCookies) {
        this.portal = portal;
        this.accounts = accounts;
        this.lifecycle = lifecycle;
        this.passwordChecks = passwordChecks;
        this.secureCookies = secureCookies;
    }

    record View(String notice, String error) {
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/settings", Route.Access.SESSION, null,
                ex -> page(ex, portal.account(ex), 200, Portal.notice(ex, NOTICES), null)));
        r.add(new Route("POST", "/portal/settings/profile", Route.Access.SESSION, null, ex -> change(ex, "profile",
                (a, f) -> accounts.change(a, Accounts.Change.names(f.getOrDefault("firstName", ""), f.getOrDefault("lastName", ""))))));
        r.add(new Route("POST", "/portal/settings/email", Route.Access.SESSION, null, ex -> change(ex, "email",
                (a, f) -> accounts.changeEmail(a, f.get("email"), f.get("password")))));
        r.add(new Route("POST", "/portal/settings/password", Route.Access.SESSION, null, ex -> change(ex, "password", (a, f) -> {
            if (!Objects.equals(f.get("password"), f.get("confirm"))) {
                throw DomainException.invalid("The two new passwords are not the same.");
            }
            accounts.changePassword(a, f.get("current"), f.get("password"), Secrets.sha256(ex.cookie(Sessions.COOKIE)));
            return a;
        })));
        r.add(new Route("POST", "/portal/settings/delete", Route.Access.SESSION, null, this::delete));
    }

    /** SPEC §8 v2: an account deletes itself, password required; everything it had ends. */
    private void delete(Exchange ex) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        try {
            accounts.requirePassword(a, f.get("password"));
        } catch (Accounts.WrongPassword e) {
            refused(ex, a, e, "Your account was not deleted: ");
            return;
        } catch (DomainException e) {
            page(ex, a, Portal.status(e), null, "Your account was not deleted: " + e.getMessage());
            return;
        }
        lifecycle.deleteAccount(a.id());
        ex.header("Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secureCookies ? "; Secure" : ""));
        Portal.redirect(ex, "/portal/login?done=deleted");
    }

    @FunctionalInterface
    private interface Change {
        Account apply(Account a, Map<String, String> form);
    }

    /** One form: on success, POST-redirect-GET with a notice; a refused change re-renders the page and changes nothing. */
    private void change(Exchange ex, String done, Change change) {
        Account a = portal.account(ex);
        Map<String, String> f = portal.form(ex);
        try {
            change.apply(a, f);
        } catch (Accounts.WrongPassword e) {
            refused(ex, a, e, "");
            return;
        } catch (DomainException e) {
            page(ex, a, Portal.status(e), null, e.getMessage());
            return;
        }
        Portal.redirect(ex, "/portal/settings?done=" + done);
    }

    /**
     * SPEC §11: a wrong current password is counted per (account, address) and per address, as wrong logins are;
     * past the limit the answer is 429 with Retry-After. The right password is never refused by the count.
     */
    private void refused(Exchange ex, Account a, Accounts.WrongPassword e, String prefix) {
        long wait = passwordChecks.fail("account:" + a.id(), ex.remoteAddress());
        if (wait > 0) {
            ex.header("Retry-After", Long.toString(wait));
            page(ex, a, 429, null, prefix + "Too many wrong passwords. Try again in " + wait + " seconds.");
            return;
        }
        page(ex, a, Portal.status(e), null, prefix + e.getMessage());
    }

    private void page(Exchange ex, Account a, int status, String notice, String error) {
        Portal.render(ex, status, "settings.jte", Map.of("chrome", portal.chrome(ex, "Settings", a), "view", new View(notice, error)));
    }
}
