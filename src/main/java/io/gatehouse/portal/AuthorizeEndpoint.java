package io.gatehouse.portal;

import io.gatehouse.account.Accounts;
import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.app.RedirectUris;
import io.gatehouse.auth.Principal;
import io.gatehouse.auth.Secrets;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.oauth.GrantStore;
import io.gatehouse.oauth.Issuer;
import io.gatehouse.oauth.OAuthException;
import io.gatehouse.oauth.Tokens;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /oauth/authorize} (RFC 6749 §4.1.1, RFC 7636, RFC 9700). An unknown client or an
 * unregistered redirect URI gets an error page, never a redirect; any other mistake goes back to the
 * app as {@code error=…&state=…}. A browser without a session logs in first; then the account sees a
 * consent page naming the app, its developer, its mode and every permission, and approves or denies.
 * It lives with the portal because it is the browser side of OAuth (login, consent); the rules of
 * grants and tokens stay in {@code oauth}.
 */
public final class AuthorizeEndpoint {
    private static final Duration CODE_TTL = Duration.ofMinutes(5);

    private final Apps apps;
    private final Accounts accounts;
    private final PermissionCatalog catalog;
    private final LoginEndpoints login;
    private final GrantStore grants;
    private final Issuer issuer;
    private final Clock clock;
    private final boolean secureCookies;

    public AuthorizeEndpoint(Apps apps, Accounts accounts, PermissionCatalog catalog, LoginEndpoints login, GrantStore grants,
                             Issuer issuer, Clock clock, boolean secureCookies) {
        this.apps = apps;
        this.accounts = accounts;
        this.catalog = catalog;
        this.login = login;
        this.grants = grants;
        this.issuer = issuer;
        this.clock = clock;
        this.secureCookies = secureCookies;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/oauth/authorize", Route.Access.OPEN, null, this::show));
        r.add(new Route("POST", "/oauth/authorize", Route.Access.OPEN, null, this::decide));
    }

    /** A request whose client and redirect URI are known good: from here on, errors go back to the app. */
    private record Request(App app, String redirectUri, String state, List<String> scope, String challenge) {
    }

    /** An error that is safe to send back to the app's redirect URI (RFC 6749 §4.1.2.1). */
    private static final class Redirected extends RuntimeException {
        final String location;

        Redirected(String location) {
            super(null, null, false, false);
            this.location = location;
        }
    }

    private void show(Exchange ex) {
        Map<String, String> params = queryParams(ex);
        Request req;
        try {
            req = parse(ex, params);
            if (req == null) {
                return;
            }
            Optional<Principal> session = login.session(ex);
            if (session.isEmpty()) {
                String query = ex.rawRequest().query().rawValue();
                redirect(ex, 302, LoginEndpoints.loginUrl("/oauth/authorize" + (query.isEmpty() ? "" : "?" + query)));
                return;
            }
            requireMayAuthorize(req, session.get().accountId());
            consentPage(ex, req, session.get().accountId());
        } catch (Redirected r) {
            redirect(ex, 302, r.location);
        }
    }

    private void decide(Exchange ex) {
        Map<String, String> form = ex.form();
        Csrf.check(ex, form.get(Csrf.FIELD));
        try {
            Request req = parse(ex, form);
            if (req == null) {
                return;
            }
            Optional<Principal> session = login.session(ex);
            if (session.isEmpty()) {
                redirect(ex, 303, LoginEndpoints.loginUrl("/portal"));
                return;
            }
            long account = session.get().accountId();
            requireMayAuthorize(req, account);
            if (!"approve".equals(form.get("decision"))) {
                throw back(req, "access_denied", "The account denied the request.");
            }
            String code = Secrets.randomText(32);
            Instant now = clock.instant();
            grants.saveCode(new GrantStore.Code(Secrets.sha256(code), req.app().clientId(), account, req.redirectUri(),
                    req.scope(), req.challenge(), now, now.plus(CODE_TTL)));
            redirect(ex, 303, withParams(req.redirectUri(), Map.of("code", code), req.state()));
        } catch (Redirected r) {
            // RFC 9700 §4.12: 303 after a POST, so the browser does not re-post the form to the app.
            redirect(ex, 303, r.location);
        }
    }

    /** Validates the request; null after answering with an error page (nothing is sent to an unchecked URI). */
    private Request parse(Exchange ex, Map<String, String> p) {
        String clientId = p.getOrDefault("client_id", p.get("clientId"));
        App app = clientId == null ? null : apps.get(clientId).orElse(null);
        if (app == null) {
            errorPage(ex, "Unknown app", "This link names an app that does not exist (client_id '" + (clientId == null ? "" : clientId) + "').");
            return null;
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null) {
            if (app.redirectUris().size() != 1) {
                errorPage(ex, "Missing redirect URI", "The link does not say where to send you back (redirect_uri).");
                return null;
            }
            redirectUri = app.redirectUris().get(0);
        } else if (!RedirectUris.matches(app.redirectUris(), redirectUri)) {
            errorPage(ex, "Unregistered redirect URI", "The app asked to send you to an address it has not registered. "
                    + "For your safety you are not being redirected.");
            return null;
        }
        String state = p.get("state");
        Request base = new Request(app, redirectUri, state, List.of(), null);
        if (!"code".equals(p.get("response_type"))) {
            throw back(base, "unsupported_response_type", "response_type must be code.");
        }
        String method = p.get("code_challenge_method");
        String challenge = p.get("code_challenge");
        if (method != null && !method.equals("S256")) {
            throw back(base, "invalid_request", "code_challenge_method must be S256 (plain is not accepted).");
        }
        if (challenge != null && method == null) {
            throw back(base, "invalid_request", "code_challenge_method=S256 is required with a code_challenge.");
        }
        if (challenge == null && method != null) {
            throw back(base, "invalid_request", "code_challenge is required with code_challenge_method.");
        }
        if (challenge != null && !challenge.matches("[A-Za-z0-9_-]{43}")) {
            throw back(base, "invalid_request", "code_challenge must be the base64url SHA-256 of the verifier (43 characters).");
        }
        if (challenge == null && !app.isConfidential()) {
            throw back(base, "invalid_request", "This is a public app: PKCE (code_challenge with S256) is required.");
        }
        List<String> scope;
        try {
            scope = Tokens.scope(p.get("scope"), app.permissions());
        } catch (OAuthException e) {
            throw back(base, "invalid_scope", e.getMessage());
        }
        return new Request(app, redirectUri, state, scope, challenge);
    }

    private void requireMayAuthorize(Request req, long accountId) {
        if (!req.app().mayBeAuthorizedBy(accountId)) {
            throw back(req, "access_denied", "This app is in development mode and not yet approved: only its developer "
                    + "and its test users may authorize it.");
        }
    }

    private void consentPage(Exchange ex, Request req, long accountId) {
        App app = req.app();
        String developer = accounts.byId(app.ownerId()).map(a -> (a.firstName() + " " + a.lastName()).strip().isEmpty()
                ? a.email() : (a.firstName() + " " + a.lastName()).strip() + " (" + a.email() + ")").orElse("unknown");
        String you = accounts.byId(accountId).map(a -> a.email()).orElse("");
        StringBuilder perms = new StringBuilder("<ul class=\"permissions\">");
        for (String s : req.scope()) {
            perms.append("<li><code>").append(Html.esc(s)).append("</code> ").append(Html.esc(catalog.describe(s))).append("</li>");
        }
        if (req.scope().isEmpty()) {
            perms.append("<li>No permissions: the app can only confirm who you are.</li>");
        }
        perms.append("</ul>");
        String csrf = Csrf.token(ex, secureCookies);
        StringBuilder hidden = new StringBuilder(Csrf.field(csrf));
        hidden(hidden, "response_type", "code");
        hidden(hidden, "client_id", app.clientId());
        hidden(hidden, "redirect_uri", req.redirectUri());
        hidden(hidden, "scope", String.join(" ", req.scope()));
        if (req.state() != null) {
            hidden(hidden, "state", req.state());
        }
        if (req.challenge() != null) {
            hidden(hidden, "code_challenge", req.challenge());
            hidden(hidden, "code_challenge_method", "S256");
        }
        String target = URI.create(req.redirectUri()).getHost();
        Html.page(ex, 200, "Authorize " + app.name(),
                "<h1>Authorize <span class=\"app-name\">" + Html.esc(app.name()) + "</span></h1>"
                        + "<p class=\"meta\">by " + Html.esc(developer) + " · <span class=\"mode mode-" + app.mode().wire() + "\">"
                        + Html.esc(app.mode().wire()) + " mode</span></p>"
                        + (app.description().isBlank() ? "" : "<p>" + Html.esc(app.description()) + "</p>")
                        + "<p>It asks to act for <strong>" + Html.esc(you) + "</strong> with these permissions:</p>" + perms
                        + "<form method=\"post\" action=\"/oauth/authorize\" class=\"consent\">" + hidden
                        + "<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"primary\">Approve</button>"
                        + "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>"
                        + "<p class=\"hint\">You will be sent back to " + Html.esc(target == null ? req.redirectUri() : target)
                        + ". You can revoke access at any time under Authorized apps.</p>",
                formTarget(req.redirectUri()));
    }

    private static void hidden(StringBuilder out, String name, String value) {
        out.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(Html.esc(value)).append("\">");
    }

    /** The origin the consent form ends up redirecting to, for the page's form-action policy. */
    private static String formTarget(String redirectUri) {
        URI u = URI.create(redirectUri);
        if (u.getHost() == null) {
            return u.getScheme() + ":";
        }
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    private Redirected back(Request req, String error, String description) {
        Map<String, String> params = new HashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        return new Redirected(withParams(req.redirectUri(), params, req.state()));
    }

    /** The redirect URI with the response parameters, the state unchanged, and {@code iss} (RFC 9207). */
    private String withParams(String redirectUri, Map<String, String> params, String state) {
        StringBuilder url = new StringBuilder(redirectUri).append(redirectUri.contains("?") ? '&' : '?');
        params.forEach((k, v) -> url.append(k).append('=').append(enc(v)).append('&'));
        if (state != null) {
            url.append("state=").append(enc(state)).append('&');
        }
        url.append("iss=").append(enc(issuer.url()));
        return url.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void redirect(Exchange ex, int status, String location) {
        ex.header("Location", location);
        ex.header("Cache-Control", "no-store");
        ex.send(status, null, new byte[0]);
    }

    private static void errorPage(Exchange ex, String title, String message) {
        Html.page(ex, 400, title, "<h1>" + Html.esc(title) + "</h1><p role=\"alert\">" + Html.esc(message) + "</p>");
    }

    private static Map<String, String> queryParams(Exchange ex) {
        String raw = ex.rawRequest().query().rawValue();
        return io.gatehouse.core.FormData.parse(raw == null ? "" : raw);
    }
}
