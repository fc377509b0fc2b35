package io.gatehouse.portal;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.ClientSettings;
import io.gatehouse.app.RedirectUris;
import io.gatehouse.auth.Principal;
import io.gatehouse.auth.Secrets;
import io.gatehouse.core.FormData;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.oauth.Authorizations;
import io.gatehouse.oauth.GrantStore;
import io.gatehouse.oauth.Issuer;
import io.gatehouse.oauth.OAuthException;
import io.gatehouse.oauth.AuthenticationFacts;
import io.gatehouse.oauth.OidcScopes;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
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

    /** Internal: the time (epoch seconds) the authorize request sent the browser to log in again (prompt=login, max_age). */
    static final String LOGIN_AFTER = "login_after";

    private final Apps apps;
    private final ClientSettings settings;
    private final ConsentPages pages;
    private final GrantStore grants;
    private final Authorizations authorizations;
    private final Issuer issuer;
    private final Clock clock;
    private final Sessions sessions;
    private final AuthenticationFacts logins;

    /** A key no parameter can have (it holds a space): marks the name of a repeated parameter. */
    private static final String REPEATED = " repeated";
    /** No account (account ids are positive): who may authorize a development app never includes it. */
    private static final long NO_ACCOUNT = -1;

    AuthorizeEndpoint(Apps apps, ClientSettings settings, ConsentPages pages, GrantStore grants, Authorizations authorizations,
                      Issuer issuer, Clock clock, Sessions sessions, AuthenticationFacts logins) {
        this.settings = settings;
        this.grants = grants;
        this.sessions = sessions;
        this.logins = logins;
        this.apps = apps;
        this.pages = pages;
        this.authorizations = authorizations;
        this.issuer = issuer;
        this.clock = clock;
    }

    void register(Router r) {
        r.add(new Route("GET", "/oauth/authorize", Route.Access.PAGE, null, this::show));
        r.add(new Route("POST", "/oauth/authorize", Route.Access.SESSION, null, this::decide));
    }

    /** A request whose client and redirect URI are known good: from here on, errors go back to the app. */
    private record Request(App app, String redirectUri, String state, List<String> scope, String challenge, Oidc oidc) {
    }

    /** OpenID Connect Core 1.0 §3.1.2.1 parameters: nonce, prompt, max_age, login_hint (all optional). */
    private record Oidc(String nonce, Set<String> prompt, Long maxAge, String loginHint, Long loginAfter) {
        static final Oidc NONE = new Oidc(null, Set.of(), null, null, null);
    }

    /** An error that is safe to send back to the app's redirect URI (RFC 6749 §4.1.2.1). */
    private static final class Redirected extends RuntimeException {
        final App app;
        final String redirectUri;
        final String location;
        final String description;

        Redirected(App app, String redirectUri, String location, String description) {
            super(null, null, false, false);
            this.app = app;
            this.redirectUri = redirectUri;
            this.location = location;
            this.description = description;
        }
    }

    /**
     * Sends an error back to the app, or shows it here. RFC 9700 §4.11.2: anyone who signs up can register an app with
     * any redirect URI, and an approved app's developer can add one; sending every visitor there with an error would
     * make this endpoint an open redirector. A redirect URI is trusted for everyone once an admin approved it with the
     * app (production), and before that only for the app's developer and test users; anyone else reads the error on
     * our page.
     */
    private void answer(Exchange ex, int status, Redirected r) {
        Principal session = ex.principal();
        boolean trusted = r.app.isOwnerOrTestUser(session == null ? NO_ACCOUNT : session.accountId())
                || r.app.mode() == App.Mode.PRODUCTION
                && RedirectUris.matches(settings.reviewed(r.app.clientId()).redirectUris(), r.redirectUri);
        if (trusted) {
            redirect(ex, status, r.location);
        } else {
            pages.error(ex, "Not sent back to the app", r.description + " You are not being sent back to the app: no admin"
                    + " has reviewed this address of it yet (an app in development mode, or an address added since its review).");
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
            Instant authTime = session == null ? null : sessions.startedAt(ex.cookie(Sessions.COOKIE)).orElse(null);
            Oidc oidc = req.oidc();
            boolean fresh = authTime != null && oidc.loginAfter() != null
                    && !authTime.isBefore(Instant.ofEpochSecond(oidc.loginAfter()));
            boolean mustLogIn = authTime == null || !fresh && (oidc.prompt().contains("login")
                    || oidc.maxAge() != null && clock.instant().isAfter(authTime.plusSeconds(oidc.maxAge())));
            if (mustLogIn) {
                if (oidc.prompt().contains("none")) {
                    throw back(req, "login_required", "The account must log in, and prompt=none forbids showing a page.");
                }
                redirect(ex, 302, loginUrl(ex, oidc));
                return;
            }
            requireMayAuthorize(req, session.accountId());
            if (oidc.prompt().contains("none")) {
                // OpenID Connect Core 1.0 §3.1.2.1: no page; only what the account already granted this app.
                if (!alreadyGranted(req, session.accountId())) {
                    throw back(req, "consent_required", "The account has not yet authorized this app for this scope.");
                }
                redirect(ex, 302, issueCode(req, session.accountId(), authTime));
                return;
            }
            consentPage(ex, req, session.accountId());
        } catch (Redirected r) {
            answer(ex, 302, r);
        }
    }

    /** The login page, coming back to this request marked with the time it was sent (so that it does not loop). */
    private String loginUrl(Exchange ex, Oidc oidc) {
        String query = ex.rawRequest().query().rawValue();
        StringBuilder q = new StringBuilder();
        for (String part : (query == null ? "" : query).split("&")) {
            if (!part.isEmpty() && !part.startsWith(LOGIN_AFTER + "=")) {
                q.append(part).append('&');
            }
        }
        q.append(LOGIN_AFTER).append('=').append(clock.instant().getEpochSecond());
        String url = pages.loginUrl("/oauth/authorize?" + q);
        return oidc.loginHint() == null ? url : url + "&login_hint=" + enc(oidc.loginHint());
    }

    private boolean alreadyGranted(Request req, long accountId) {
        return grants.liveGrants(accountId).stream()
                .anyMatch(g -> g.clientId().equals(req.app().clientId()) && g.scope().containsAll(req.scope()));
    }

    /** A new code for the request; returns where to send the browser. */
    private String issueCode(Request req, long account, Instant authTime) {
        String code = Secrets.randomText(32);
        Instant now = clock.instant();
        String hash = Secrets.sha256(code);
        authorizations.consent(new GrantStore.Code(hash, req.app().clientId(), account, req.redirectUri(),
                req.scope(), req.challenge(), now, now.plus(CODE_TTL)));
        if (req.scope().contains(OidcScopes.OPENID)) {
            logins.saveCode(hash, new AuthenticationFacts.Login(authTime == null ? now : authTime, req.oidc().nonce()));
        }
        return withParams(req.redirectUri(), Map.of("code", code), req.state());
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
            Instant authTime = sessions.startedAt(ex.cookie(Sessions.COOKIE)).orElse(null);
            redirect(ex, 303, issueCode(req, account, authTime));
        } catch (Redirected r) {
            // RFC 9700 §4.12: 303 after a POST, so the browser does not re-post the form to the app.
            answer(ex, 303, r);
        }
    }

    /** Validates the request; null after answering with an error page (nothing is sent to an unchecked URI). */
    private Request parse(Exchange ex, Map<String, String> p) {
        String repeated = p.get(REPEATED);
        if ("client_id".equals(repeated) || "clientId".equals(repeated) || "redirect_uri".equals(repeated)) {
            // RFC 6749 §3.1: with two of these nobody knows whose link this is; nothing is sent back.
            pages.error(ex, "Invalid link", "The link repeats the parameter " + repeated + ".");
            return null;
        }
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
        Request base = new Request(app, redirectUri, state, List.of(), null, Oidc.NONE);
        if (repeated != null) {
            throw back(base, "invalid_request", "A parameter is repeated (RFC 6749 §3.1).");
        }
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
            scope = OidcScopes.resolve(p.get("scope"), app.permissions());
        } catch (OAuthException e) {
            throw back(base, "invalid_scope", e.getMessage());
        }
        return new Request(app, redirectUri, state, scope, challenge, oidc(base, p));
    }

    /** OpenID Connect Core 1.0 §3.1.2.1; {@code response_mode} other than query is refused (only query is supported). */
    private Oidc oidc(Request base, Map<String, String> p) {
        String mode = p.get("response_mode");
        if (mode != null && !mode.equals("query")) {
            throw back(base, "invalid_request", "response_mode must be query.");
        }
        String nonce = p.get("nonce");
        if (nonce != null && (nonce.isEmpty() || nonce.length() > 512)) {
            throw back(base, "invalid_request", "nonce must be 1 to 512 characters.");
        }
        Set<String> prompt = new LinkedHashSet<>();
        String promptText = p.get("prompt");
        if (promptText != null) {
            for (String v : promptText.strip().split(" +")) {
                if (!Set.of("none", "login", "consent", "select_account").contains(v)) {
                    throw back(base, "invalid_request", "prompt must be none, login or consent.");
                }
                prompt.add(v);
            }
            if (prompt.contains("none") && prompt.size() > 1) {
                throw back(base, "invalid_request", "prompt=none cannot be combined with other values.");
            }
        }
        Long maxAge = number(base, p, "max_age");
        Long loginAfter = number(base, p, LOGIN_AFTER);
        String hint = p.get("login_hint");
        if (hint != null && (hint.length() > 254 || hint.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            hint = null; // only a hint: a useless one is ignored
        }
        return new Oidc(nonce, Set.copyOf(prompt), maxAge, hint, loginAfter);
    }

    private Long number(Request base, Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null) {
            return null;
        }
        if (!v.matches("[0-9]{1,10}")) {
            throw back(base, "invalid_request", name + " must be a number of seconds.");
        }
        return Long.parseLong(v);
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
        if (req.oidc().nonce() != null) {
            fields.put("nonce", req.oidc().nonce());
        }
        String host = URI.create(req.redirectUri()).getHost();
        pages.consent(ex, new ConsentPages.Consent(req.app(), accountId, req.scope(), fields,
                host == null ? req.redirectUri() : host, RedirectUris.origin(req.redirectUri())));
    }

    private Redirected back(Request req, String error, String description) {
        Map<String, String> params = new HashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        return new Redirected(req.app(), req.redirectUri(), withParams(req.redirectUri(), params, req.state()), description);
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

    /** The query's parameters; a repeated one is noted under {@link #REPEATED} for {@link #parse} to refuse. */
    private static Map<String, String> queryParams(Exchange ex) {
        String raw = ex.rawRequest().query().rawValue();
        Map<String, String> params = FormData.parse(raw == null ? "" : raw);
        String repeated = FormData.firstRepeated(raw == null ? "" : raw);
        if (repeated != null) {
            params.put(REPEATED, repeated);
        }
        return params;
    }
}
