package io.gatehouse.oauth;

import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.helidon.http.HeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET|POST /oauth/userinfo} (OpenID Connect Core 1.0 §5.3): {@code sub}, the account behind the
 * access token, with the claims its scope releases ({@link OidcScopes#released}), whatever the app's
 * permissions. A token issued without {@code openid} is answered too: that is how an OAuth 2.0 login
 * (Spring Security's issuer-only registration, which asks for no scope) learns who signed in; it
 * releases nothing that the token could not already read (its own {@code sub}, and {@code GET /v1.0/me}
 * with {@code user.read}). See docs/decisions.md. Errors are RFC 6750 §3: {@code invalid_token} (401).
 */
public final class UserInfoEndpoint {
    private final AccessTokens accessTokens;
    private final IdTokens idTokens;

    public UserInfoEndpoint(AccessTokens accessTokens, IdTokens idTokens) {
        this.accessTokens = accessTokens;
        this.idTokens = idTokens;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/oauth/userinfo", Route.Access.OPEN, null, this::userinfo));
        r.add(new Route("POST", "/oauth/userinfo", Route.Access.OPEN, null, this::userinfo));
    }

    private void userinfo(Exchange ex) {
        String header = ex.header(HeaderNames.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        if (token == null || token.isEmpty()) {
            throw new OAuthException("invalid_request", "Send the access token as Authorization: Bearer <access_token>.", 401,
                    Map.of("WWW-Authenticate", "Bearer realm=\"gatehouse\""));
        }
        AccessTokens.Verified v = accessTokens.check(token);
        if (v == null) {
            throw new OAuthException("invalid_token", "The access token is not valid, has expired or was revoked.", 401,
                    Map.of("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"invalid_token\""));
        }
        ex.header("Cache-Control", "no-store");
        ex.send(200, "application/json", idTokens.userInfo(v.principal().accountId(), OidcScopes.released(v.principal().scope()))
                .toJSONObject().toJSONString().getBytes(StandardCharsets.UTF_8));
    }
}
