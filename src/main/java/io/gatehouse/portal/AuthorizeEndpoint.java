package io.gatehouse.portal;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.RedirectUris;
import io.gatehouse.auth.Principal;
import io.gatehouse.auth.Secrets;
import io.gatehouse.core.FormData;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /oauth/authorize} (RFC 6749 §4.1.1, RFC 7636, RFC 9700). An unknown client or an
 * unregistered redirect URI gets an error page, never a redirect; any other mistake goes back to the
 * app as {@code error=…&state=…}. A browser without a session logs in first; then the account sees a
 * consent page naming the app, its developer, its mode and every permission, and approves or denies.
 * It lives with the portal because it is the browser side of OAuth (login, consent); the rules of
 * grants and tokens stay in {@code oauth}. The pipeline authenticates the session (a PAGE route for
 * the GET, so that an unknown client gets its error page before any login; a SESSION route for the POST).
 */
final class AuthorizeEndpoint {
    private static final Duration CODE_TTL = Duration.ofMinutes(5);

    private final Apps apps;
    private final ConsentPages pages;
    private final GrantStore grants;
    private final Issuer issuer;
    private final Clock clock;

    AuthorizeEndpoint(Apps apps, ConsentPages pages, GrantStore grants, Issuer issuer, Clock clock) {
        this.apps = apps;
        this.pages = pages;
        this.grants = grants;
        this.issuer = issuer;
        this.clock = clock;
    }

    void register(Router r) {
        r.add(new Route("GET", "/oauth/authorize", Route.Access.PAGE, null, this::show));
        r.add(new Route("POST", "/oauth/authorize", Route.Access.SESSION, null, this::decide));
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
            Principal session = ex.principal();
            if (session == null) {
                String query = ex.rawRequest().query().rawValue();
                redirect(ex, 302, pages.loginUrl("/oauth/authorize" + (query == null || query.isEmpty() ? "" : "?" + query)));
                return;
            }
            requireMayAuthorize(req, session.accountId());
            consentPage(ex, req, session.accountId());
        } catch (Redirected r) {
            redirect(ex, 302, r.location);
        }
    }

    private void decide(Exchange ex) {
        Map<String, String> form = ex.form();
        if (!pages.formIsGenuine(ex, form)) {
            return;
        }
        try {
            Request req = parse(ex, form);
            if (req == null) {
                return;
            }
            long account = ex.principal().accountId();
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
            pages.error(ex, "Unknown app", "This link names an app that does not exist (client_id '" + (clientId == null ? "" : clientId) + "').");
            return null;
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null) {
            if (app.redirectUris().size() != 1) {
                pages.error(ex, "Missing redirect URI", "The link does not say where to send you back (redirect_uri).");
                return null;
            }
            redirectUri = app.redirectUris().get(0);
        } else if (!RedirectUris.matches(app.redirectUris(), redirectUri)) {
            pages.error(ex, "Unregistered redirect URI", "The app asked to send you to an address it has not registered. "
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
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("response_type", "code");
        fields.put("client_id", req.app().clientId());
        fields.put("redirect_uri", req.redirectUri());
        fields.put("scope", String.join(" ", req.scope()));
        if (req.state() != null) {
            fields.put("state", req.state());
        }
        if (req.challenge() != null) {
            fields.put("code_challenge", req.challenge());
            fields.put("code_challenge_method", "S256");
        }
        String host = URI.create(req.redirectUri()).getHost();
        pages.consent(ex, new ConsentPages.Consent(req.app(), accountId, req.scope(), fields,
                host == null ? req.redirectUri() : host, RedirectUris.origin(req.redirectUri())));
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

    private static Map<String, String> queryParams(Exchange ex) {
        String raw = ex.rawRequest().query().rawValue();
        return FormData.parse(raw == null ? "" : raw);
    }
}
