package io.gatehouse.pipeline;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.app.ClientSettings;
import io.gatehouse.core.DomainException;
import io.gatehouse.core.FormData;
import io.gatehouse.http.Exchange;
import io.gatehouse.oauth.AccessTokens;
import io.helidon.http.HeaderNames;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * SPEC §5 CORS (Fetch standard): browser apps may call the token, revocation and userinfo endpoints
 * and the API from an origin of their app (its https and loopback redirect URIs, plus
 * {@code allowed_origins}); the discovery documents and the JWKS from anywhere. A preflight from an
 * allowed origin is answered here (204); anything else gets no CORS headers at all. Portal pages, the
 * authorize and logout pages and introspection never send them; the admin listener has no such stage.
 * An actual request is matched against the app it names (Basic or {@code client_id} on the token
 * endpoint, the access token's app on the API); when it names none (a missing credential), any app's
 * origin may read the error.
 */
public final class CorsStage implements Stage {
    private static final String API_METHODS = "GET, POST, PUT, PATCH, DELETE";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id";
    private static final String EXPOSED = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit, "
            + "RateLimit-Policy, Retry-After, X-Request-Id, WWW-Authenticate, Gatehouse-Key-Expires";
    private static final Set<String> PUBLIC_DOCUMENTS = Set.of("/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server", "/.well-known/jwks.json", "/openapi.json");
    private static final Set<String> CLIENT_ENDPOINTS = Set.of("/oauth/token", "/oauth/revoke");

    private final Apps apps;
    private final ClientSettings settings;
    private final AccessTokens accessTokens;

    public CorsStage(Apps apps, ClientSettings settings, AccessTokens accessTokens) {
        this.apps = apps;
        this.settings = settings;
        this.accessTokens = accessTokens;
    }

    private enum Kind { NONE, ANY_ORIGIN, CLIENT, API }

    @Override
    public void apply(Exchange ex) {
        String origin = ex.header(HeaderNames.ORIGIN);
        Kind kind = kind(ex.path());
        if (origin == null || kind == Kind.NONE || origin.length() > 300) {
            return;
        }
        boolean preflight = "OPTIONS".equals(ex.method()) && ex.header("Access-Control-Request-Method") != null;
        if (kind == Kind.ANY_ORIGIN) {
            ex.header("Access-Control-Allow-Origin", "*");
            if (preflight && isOneOf(ex.header("Access-Control-Request-Method"), "GET")) {
                ex.header("Access-Control-Allow-Methods", "GET");
                ex.header("Access-Control-Max-Age", "600");
                ex.send(204, null, new byte[0]);
            }
            return;
        }
        ex.header("Vary", "Origin");
        String methods = methods(ex.path(), kind);
        if (preflight) {
            // A preflight names no app: any app's origin may go on; the actual request is checked against its own app.
            if (settings.anyAppOrigins().contains(origin) && isOneOf(ex.header("Access-Control-Request-Method"), methods)) {
                allow(ex, origin);
                ex.header("Access-Control-Allow-Methods", methods);
                ex.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                ex.header("Access-Control-Max-Age", "600");
                ex.send(204, null, new byte[0]);
            }
            return;
        }
        String clientId = kind == Kind.CLIENT ? clientOf(ex) : appOfToken(ex);
        App app = clientId == null ? null : apps.get(clientId).orElse(null);
        boolean allowed = app == null ? settings.anyAppOrigins().contains(origin) : settings.allowedOrigins(app).contains(origin);
        if (allowed) {
            allow(ex, origin);
        }
    }

    private static void allow(Exchange ex, String origin) {
        ex.header("Access-Control-Allow-Origin", origin);
        ex.header("Access-Control-Expose-Headers", EXPOSED);
    }

    private static Kind kind(String path) {
        if (PUBLIC_DOCUMENTS.contains(path)) {
            return Kind.ANY_ORIGIN;
        }
        if (CLIENT_ENDPOINTS.contains(path)) {
            return Kind.CLIENT;
        }
        if (path.equals("/oauth/userinfo")) {
            return Kind.API;
        }
        if (path.equals("/portal") || path.startsWith("/portal/") || path.startsWith("/oauth/") || path.startsWith("/.well-known/")
                || path.equals("/") || path.equals("/healthz")) {
            return Kind.NONE;
        }
        return Kind.API;
    }

    private static String methods(String path, Kind kind) {
        if (kind == Kind.CLIENT) {
            return "POST";
        }
        return path.equals("/oauth/userinfo") ? "GET, POST" : API_METHODS;
    }

    private static boolean isOneOf(String method, String methods) {
        if (method == null) {
            return false;
        }
        for (String m : methods.split(", ")) {
            if (m.equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** The client a token or revocation request names: HTTP Basic, else the form's client_id; null if none. */
    private static String clientOf(Exchange ex) {
        String auth = ex.header(HeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? null : URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        String type = ex.header(HeaderNames.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        try {
            return FormData.parse(new String(ex.body(), StandardCharsets.UTF_8)).get("client_id");
        } catch (DomainException e) {
            return null; // the endpoint answers the malformed body itself
        }
    }

    /** The app of a Bearer access token; null for none, an API key, or a dead token. */
    private String appOfToken(Exchange ex) {
        String auth = ex.header(HeaderNames.AUTHORIZATION);
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        AccessTokens.Verified v = accessTokens.check(auth.substring(7).strip());
        return v == null ? null : v.principal().clientId();
    }
}
