package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.auth.Throttle;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Logging in and out of the portal (also the login step of the OAuth authorize flow). */
final class LoginEndpoints {
    private final Accounts accounts;
    private final Sessions sessions;
    private final Throttle throttle;
    private final boolean secureCookies;
    private final Portal portal;

    LoginEndpoints(Portal portal, Accounts accounts, Sessions sessions, Throttle throttle, boolean secureCookies) {
        this.portal = portal;
        this.accounts = accounts;
        this.sessions = sessions;
        this.throttle = throttle;
        this.secureCookies = secureCookies;
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/login", Route.Access.OPEN, null, ex -> form(ex, 200, null, loginHint(ex))));
        r.add(new Route("POST", "/portal/login", Route.Access.OPEN, null, this::login));
        r.add(new Route("POST", "/portal/logout", Route.Access.OPEN, null, this::logout));
        r.add(new Route("GET", "/portal", Route.Access.PAGE, null, this::home));
        r.add(new Route("GET", "/", Route.Access.OPEN, null, ex -> {
            ex.header("Location", "/portal");
            ex.send(302, null, new byte[0]);
        }));
    }

    private void home(Exchange ex) {
        ex.header("Location", ex.principal() == null ? loginUrl("/portal/apps") : "/portal/apps");
        ex.send(302, null, new byte[0]);
    }

    /** Where to send a browser that must log in first, coming back to {@code next} afterwards. */
    public static String loginUrl(String next) {
        return "/portal/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    }

    /** OpenID Connect {@code login_hint}, passed on by the authorize endpoint: fills the email field (escaped by the template). */
    private static String loginHint(Exchange ex) {
        String hint = ex.query("login_hint");
        return hint == null || hint.length() > 254 || hint.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? "" : hint;
    }

    private void form(Exchange ex, int status, String error, String email) {
        String next = safeNext(ex.query("next"));
        Map<String, Object> page = new HashMap<>();
        page.put("chrome", portal.chrome(ex, "Log in", null));
        page.put("action", loginUrl(next));
        page.put("fromApp", next.startsWith("/oauth/"));
        page.put("email", email);
        page.put("error", error);
        String done = ex.query("done");
        page.put("notice", "reset".equals(done) ? "Your password was changed. Log in with the new one."
                : "deleted".equals(done) ? "Your account was deleted." : null);
        Portal.render(ex, status, "login.jte", page);
    }

    private void login(Exchange ex) {
        Map<String, String> form = portal.form(ex);
        // Checked before anything changes: a refused next never leaves a session behind (SPEC §11).
        String next = safeNext(ex.query("next"));
        String email = form.getOrDefault("email", "").strip();
        Optional<Account> account;
        try {
            account = accounts.login(email, form.get("password"));
        } catch (DomainException busy) {
            // Bounded password hashing (SPEC §11): too many logins at once.
            if (busy.kind() != DomainException.Kind.UNAVAILABLE) {
                throw busy;
            }
            ex.header("Retry-After", Long.toString(busy.retryAfterSeconds()));
            form(ex, 503, busy.getMessage(), email);
            return;
        }
        if (account.isEmpty()) {
            // SPEC §11: only failures meet the throttle, so the right password is never refused by it.
            long wait = throttle.fail(email.toLowerCase(Locale.ROOT), ex.remoteAddress());
            if (wait > 0) {
                ex.header("Retry-After", Long.toString(wait));
                form(ex, 429, "Too many failed attempts. Try again in " + wait + " seconds.", email);
                return;
            }
            form(ex, 401, "The email or password is not right.", email);
            return;
        }
        if (account.get().disabled()) {
            form(ex, 403, "This account is disabled. Ask an administrator.", email);
            return;
        }
        // The session is stored only if the account is as it was when the password was checked (audit "attack2": a
        // login racing a password reset kept its session after the reset ended the others).
        String session = sessions.startIfCurrent(account.get().id(), account.get().version());
        if (session == null) {
            form(ex, 401, "The email or password is not right.", email);
            return;
        }
        setCookie(ex, session);
        Portal.redirect(ex, next);
    }

    /** Sets the session cookie for this account. */
    void startSession(Exchange ex, long accountId) {
        setCookie(ex, sessions.start(accountId));
    }

    private void setCookie(Exchange ex, String value) {
        ex.header("Set-Cookie", Sessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
                + Sessions.LIFETIME.toSeconds() + (secureCookies ? "; Secure" : ""));
    }

    private void logout(Exchange ex) {
        portal.form(ex);
        sessions.end(ex.cookie(Sessions.COOKIE));
        ex.header("Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secureCookies ? "; Secure" : ""));
        ex.header("Location", "/portal/login");
        ex.send(303, null, new byte[0]);
    }

    /**
     * SPEC §11: where to go after logging in: only a path of this server under {@code /portal} or
     * {@code /oauth/}, with no control character, backslash, empty or dot segment, nor any of those
     * percent-encoded in the path (browsers decode some of them, e.g. {@code /%09/evil.com} becomes
     * {@code //evil.com}). Anything else goes to {@code /portal}.
     */
    static String safeNext(String next) {
        return NextPath.isSafe(next) ? next : "/portal";
    }
}
