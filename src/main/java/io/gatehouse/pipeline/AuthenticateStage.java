package io.gatehouse.pipeline;

import io.gatehouse.auth.CredentialVerifier;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.helidon.http.HeaderNames;
import java.util.function.UnaryOperator;

/**
 * SPEC §2: {@code Authorization: Bearer <access_token>} or {@code Authorization: token <api_key>}
 * (scheme case-insensitive), and the buckets the request counts against (SPEC §6). Routes open to anyone
 * skip this stage; account routes also take the
 * portal session. A credential in the wrong scheme gets a 401 that names the right one. Portal pages
 * ({@code SESSION}, {@code PAGE}) are authenticated here too, by the session cookie alone: this is the
 * one place that reads it.
 */
public final class AuthenticateStage implements Stage {
    public static final String SESSION_COOKIE = "gatehouse_session";

    /** Every API key starts with the base64url of its fixed JWS header; see ApiKeyFormat. */
    private final String apiKeyPrefix;
    private final CredentialVerifier apiKeys;
    private final CredentialVerifier accessTokens;
    private final CredentialVerifier sessions;
    private final SessionCallGuard sessionCalls;
    private final UnaryOperator<String> loginPage;
    private final BucketResolver buckets;

    /**
     * @param sessionCalls checks state-changing JSON calls made with the session cookie (SPEC §11)
     * @param loginPage    the login page's URL that comes back to the given path afterwards
     */
    public AuthenticateStage(String apiKeyPrefix, CredentialVerifier apiKeys, CredentialVerifier accessTokens,
                             CredentialVerifier sessions, SessionCallGuard sessionCalls, UnaryOperator<String> loginPage,
                             BucketResolver buckets) {
        this.apiKeyPrefix = apiKeyPrefix;
        this.apiKeys = apiKeys;
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.sessionCalls = sessionCalls;
        this.loginPage = loginPage;
        this.buckets = buckets;
    }

    @Override
    public void apply(Exchange ex) {
        Route route = ex.route();
        Route.Access access = route.access();
        if (access == Route.Access.OPEN) {
            return;
        }
        if (access == Route.Access.SESSION || access == Route.Access.PAGE) {
            page(ex, access);
            return;
        }
        String header = ex.header(HeaderNames.AUTHORIZATION);
        if (header == null) {
            if (access == Route.Access.ACCOUNT && sessions != null) {
                Principal p = sessions.verify(ex.cookie(SESSION_COOKIE));
                if (p != null) {
                    sessionCalls.check(ex);
                    ex.principal(p.withBuckets(buckets.of(p, route)));
                    return;
                }
            }
            throw ApiException.unauthorized("Authentication required: send Authorization: token <api_key> "
                    + "or Authorization: Bearer <access_token>.", false);
        }
        int space = header.indexOf(' ');
        String credential = space < 0 ? "" : header.substring(space + 1).strip();
        if (credential.isEmpty()) {
            throw ApiException.unauthorized("The Authorization header has no credential.", true);
        }
        boolean looksLikeKey = credential.startsWith(apiKeyPrefix);
        Principal principal;
        // The scheme compared in place (no copy of it per request), case-insensitively as before.
        if (isScheme(header, space, "token")) {
            if (!looksLikeKey && credential.startsWith("eyJ")) {
                throw ApiException.unauthorized("This looks like an OAuth access token: send it as "
                        + "Authorization: Bearer <access_token>.", true);
            }
            principal = apiKeys.verify(credential);
        } else if (isScheme(header, space, "bearer")) {
            if (looksLikeKey) {
                throw ApiException.unauthorized("API keys are sent as Authorization: token <api_key>, not Bearer.", true);
            }
            if (accessTokens == null) {
                throw ApiException.unauthorized("The access token is not valid.", true);
            }
            principal = accessTokens.verify(credential);
        } else {
            throw ApiException.unauthorized("Unsupported authorization scheme: use token <api_key> "
                    + "or Bearer <access_token>.", true);
        }
        if (route.access() == Route.Access.ACCOUNT && principal.kind() == Principal.Kind.ACCESS_TOKEN) {
            throw ApiException.forbidden("This endpoint is for the account itself: use an API key or the portal, "
                    + "not an app's access token.");
        }
        ex.principal(principal.withBuckets(buckets.of(principal, route)));
        if (principal.kind() == Principal.Kind.API_KEY && principal.expiresAt() != null) {
            // SPEC §4: scripts and CI can warn before the day the key stops.
            ex.header("Gatehouse-Key-Expires", principal.expiresAt().toString());
        }
    }

    private static boolean isScheme(String header, int space, String scheme) {
        return space == scheme.length() && header.regionMatches(true, 0, scheme, 0, space);
    }

    /** A portal page: the session's account, or (for pages that need one) a redirect to log in and come back. */
    private void page(Exchange ex, Route.Access access) {
        Principal p = sessions == null ? null : sessions.verify(ex.cookie(SESSION_COOKIE));
        if (p != null) {
            ex.principal(p.unmetered());
            return;
        }
        if (access == Route.Access.SESSION) {
            boolean read = "GET".equals(ex.method()) || "HEAD".equals(ex.method());
            String query = ex.rawRequest().query().rawValue();
            String here = ex.path() + (query == null || query.isEmpty() ? "" : "?" + query);
            ex.header("Location", loginPage.apply(read ? here : "/portal"));
            ex.header("Cache-Control", "no-store");
            ex.send(303, null, new byte[0]);
        }
    }
}
