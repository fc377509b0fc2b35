package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.auth.FailureThrottle;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Logging in and out of the portal (also the login step of the OAuth authorize flow). */
public final class LoginEndpoints {
    private final Accounts accounts;
    private final Sessions sessions;
    private final FailureThrottle throttle;
    private final boolean secureCookies;

    public LoginEndpoints(Accounts accounts, Sessions sessions, FailureThrottle throttle, boolean secureCookies) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.throttle = throttle;
        this.secureCookies = secureCookies;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/portal/login", Route.Access.OPEN, null, ex -> form(ex, 200, null, "")));
        r.add(new Route("POST", "/portal/login", Route.Access.OPEN, null, this::login));
        r.add(new Route("POST", "/portal/logout", Route.Access.OPEN, null, this::logout));
        r.add(new Route("GET", "/portal", Route.Access.OPEN, null, this::home));
    }

    private void home(Exchange ex) {
        ex.header("Location", session(ex).isEmpty() ? loginUrl("/portal/apps") : "/portal/apps");
        ex.send(302, null, new byte[0]);
    }

    /** The account of this browser's session, if any. */
    public Optional<Principal> session(Exchange ex) {
        return Optional.ofNullable(sessions.verify(ex.cookie(Sessions.COOKIE)));
    }

    /** Where to send a browser that must log in first, coming back to {@code next} afterwards. */
    public static String loginUrl(String next) {
        return "/portal/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    }

    private void form(Exchange ex, int status, String error, String email) {
        String csrf = Csrf.token(ex, secureCookies);
        String next = safeNext(ex.query("next"));
        Html.page(ex, status, "Log in", "<h1>Log in to Gatehouse</h1>"
                + (next.startsWith("/oauth/") ? "<p class=\"hint\">An app asks to connect to your account. Log in to review it.</p>" : "")
                + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + Html.esc(error) + "</p>")
                + "<form method=\"post\" action=\"/portal/login?next=" + Html.esc(URLEncoder.encode(next, StandardCharsets.UTF_8)) + "\">"
                + Csrf.field(csrf)
                + "<label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\""
                + Html.esc(email) + "\">"
                + "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\""
                + " autocomplete=\"current-password\" required>"
                + "<button type=\"submit\" class=\"primary\">Log in</button></form>"
                + "<p><a href=\"/portal/signup\">Create an account</a></p>");
    }

    private void login(Exchange ex) {
        Map<String, String> form = ex.form();
        Csrf.check(ex, form.get(Csrf.FIELD));
        String email = form.getOrDefault("email", "").strip();
        String byAddress = "login-addr:" + ex.remoteAddress();
        String byEmail = "login-email:" + email.toLowerCase(Locale.ROOT);
        long wait = Math.max(throttle.retryAfterSeconds(byAddress), throttle.retryAfterSeconds(byEmail));
        if (wait > 0) {
            ex.header("Retry-After", Long.toString(wait));
            form(ex, 429, "Too many failed attempts. Try again in " + wait + " seconds.", email);
            return;
        }
        Optional<Account> account = accounts.login(email, form.get("password"));
        if (account.isEmpty()) {
            throttle.fail(byAddress);
            throttle.fail(byEmail);
            form(ex, 401, "The email or password is not right.", email);
            return;
        }
        startSession(ex, account.get().id());
        ex.header("Location", safeNext(ex.query("next")));
        ex.send(303, null, new byte[0]);
    }

    /** Sets the session cookie for this account. */
    public void startSession(Exchange ex, long accountId) {
        String value = sessions.start(accountId);
        ex.header("Set-Cookie", Sessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
                + Sessions.LIFETIME.toSeconds() + (secureCookies ? "; Secure" : ""));
    }

    private void logout(Exchange ex) {
        Csrf.check(ex, ex.form().get(Csrf.FIELD));
        sessions.end(ex.cookie(Sessions.COOKIE));
        ex.header("Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secureCookies ? "; Secure" : ""));
        ex.header("Location", "/portal/login");
        ex.send(303, null, new byte[0]);
    }

    /** Only a path on this server: never an absolute or protocol-relative URL (no open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.length() > 4000) {
            return "/portal";
        }
        return next;
    }
}
