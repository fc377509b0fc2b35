package io.gatehouse.portal;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.ClientSettings;
import io.gatehouse.app.RedirectUris;
import io.gatehouse.auth.Principal;
import io.gatehouse.core.FormData;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.oauth.IdTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET|POST /oauth/logout} (OpenID Connect RP-Initiated Logout 1.0): ends the portal session,
 * then returns to {@code post_logout_redirect_uri} only when it is registered, exactly, on the app
 * that the {@code id_token_hint} (or {@code client_id}) names; otherwise a "you are logged out" page. A request
 * without an id_token of the session's own account is confirmed by the person first (logout CSRF).
 */
final class LogoutEndpoint {
    private final Portal portal;
    private final Sessions sessions;
    private final IdTokens idTokens;
    private final Apps apps;
    private final ClientSettings settings;
    private final boolean secureCookies;

    LogoutEndpoint(Portal portal, Sessions sessions, IdTokens idTokens, Apps apps, ClientSettings settings, boolean secureCookies) {
        this.portal = portal;
        this.sessions = sessions;
        this.idTokens = idTokens;
        this.apps = apps;
        this.settings = settings;
        this.secureCookies = secureCookies;
    }

    void register(Router r) {
        r.add(new Route("GET", "/oauth/logout", Route.Access.PAGE, null, this::logout));
        r.add(new Route("POST", "/oauth/logout", Route.Access.PAGE, null, this::logout));
    }

    private void logout(Exchange ex) {
        Map<String, String> p;
        if ("POST".equals(ex.method())) {
            p = ex.form();
        } else {
            String raw = ex.rawRequest().query().rawValue();
            p = FormData.parse(raw == null ? "" : raw);
        }
        Optional<IdTokens.Hint> hint = idTokens.hint(p.get("id_token_hint"));
        String clientId = hint.map(IdTokens.Hint::clientId).orElse(p.get("client_id"));
        if (hint.isPresent() && p.get("client_id") != null && !p.get("client_id").equals(clientId)) {
            clientId = null; // §2: the two must name the same app; when they do not, no redirect
        }
        Principal session = ex.principal();
        String returnTo = null;
        String uri = p.get("post_logout_redirect_uri");
        if (uri != null && clientId != null) {
            Optional<App> app = apps.get(clientId);
            // As at /oauth/authorize: a URI no admin approved with the app (a development app's, or one added since) is
            // used only for the app's developer and test users, so that it is no open redirector for everyone else.
            boolean trusted = app.isPresent() && (app.get().isOwnerOrTestUser(session == null ? -1 : session.accountId())
                    || app.get().mode() == App.Mode.PRODUCTION && settings.reviewed(clientId).logoutUris().contains(uri));
            if (trusted && settings.of(clientId).postLogoutRedirectUris().contains(uri)) {
                returnTo = uri;
            }
        }
        // RP-Initiated Logout 1.0 §2, §6: a logout that does not carry an id_token of the session's own account may come
        // from any page (an <img> is enough); the person confirms it on a form of ours first (audit "attack2").
        boolean ownHint = session != null && hint.isPresent() && hint.get().accountId() == session.accountId();
        boolean confirmed = "POST".equals(ex.method()) && "yes".equals(p.get("confirm")) && Csrf.valid(ex, p.get(Csrf.FIELD));
        if (session != null && !ownHint && !confirmed) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String name : List.of("id_token_hint", "client_id", "post_logout_redirect_uri", "state")) {
                if (p.get(name) != null) {
                    fields.put(name, p.get(name));
                }
            }
            String origin = returnTo == null ? null : RedirectUris.origin(returnTo);
            ex.header("Cache-Control", "no-store");
            Portal.render(ex, 200, "logout.jte", Portal.model("chrome", portal.chrome(ex, "Log out", null), "fields", fields),
                    origin == null ? new String[0] : new String[] {origin});
            return;
        }
        sessions.end(ex.cookie(Sessions.COOKIE));
        ex.header("Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secureCookies ? "; Secure" : ""));
        if (returnTo != null) {
            String state = p.get("state");
            String location = state == null ? returnTo
                    : returnTo + (returnTo.contains("?") ? "&" : "?") + "state=" + URLEncoder.encode(state, StandardCharsets.UTF_8)
                    .replace("+", "%20");
            ex.header("Location", location);
            ex.header("Cache-Control", "no-store");
            ex.send(302, null, new byte[0]);
            return;
        }
        portal.message(ex, 200, null, "You are logged out", "You have been logged out of Gatehouse."
                + (uri != null ? " The app asked to send you to an address it has not registered, so you stay here." : ""));
    }
}
