package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.auth.Throttle;
import io.gatehouse.auth.Secrets;
import io.gatehouse.http.Exchange;
import io.helidon.http.HeaderNames;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * RFC 6749 §2.3: who is calling the token, revocation or introspection endpoint. Confidential apps
 * authenticate with HTTP Basic ({@code client_secret_basic}) or form fields ({@code client_secret_post});
 * public apps send only {@code client_id} ({@code none}). Failures are throttled per (client, address)
 * and per address (SPEC §11); beyond the limit a failure is answered 429 instead of 401.
 */
public final class ClientAuthenticator {
    private final Apps apps;
    private final Throttle throttle;

    public ClientAuthenticator(Apps apps, Throttle throttle) {
        this.apps = apps;
        this.throttle = throttle;
    }

    public App authenticate(Exchange ex, Map<String, String> form) {
        String clientId;
        String secret;
        String basic = ex.header(HeaderNames.AUTHORIZATION);
        boolean viaBasic = basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6);
        if (viaBasic) {
            if (form.containsKey("client_secret")) {
                throw OAuthException.invalidRequest("Use one client authentication method, not Basic and client_secret both.");
            }
            String[] pair = decodeBasic(basic.substring(6).strip());
            clientId = pair[0];
            secret = pair[1];
            if (form.containsKey("client_id") && !form.get("client_id").equals(clientId)) {
                throw OAuthException.invalidRequest("client_id in the body differs from the one in the Authorization header.");
            }
        } else {
            clientId = form.get("client_id");
            secret = form.get("client_secret");
        }
        if (clientId == null || clientId.isEmpty()) {
            throw OAuthException.invalidClient("Client authentication is required (HTTP Basic, or client_id in the body).");
        }
        App app = apps.get(clientId).orElse(null);
        boolean ok;
        if (app == null) {
            ok = false;
        } else if (app.isConfidential()) {
            ok = secret != null && Secrets.matches(secret, app.secretHash());
        } else {
            ok = secret == null || secret.isEmpty();
        }
        if (!ok) {
            // SPEC §11: only failures meet the throttle, so the right secret is never refused by it.
            long wait = throttle.fail(clientId, ex.remoteAddress());
            if (wait > 0) {
                throw OAuthException.throttled(wait);
            }
            throw OAuthException.invalidClient(app != null && app.isConfidential() && secret == null
                    ? "This client is confidential: authenticate with its client_secret."
                    : "Client authentication failed.");
        }
        return app;
    }

    private static String[] decodeBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("The Basic credentials are not valid base64.");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw OAuthException.invalidClient("The Basic credentials must be client_id:client_secret.");
        }
        try {
            // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
            return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("The Basic credentials are not validly encoded.");
        }
    }
}
