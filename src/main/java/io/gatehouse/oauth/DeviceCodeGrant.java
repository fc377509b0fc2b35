package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.auth.Secrets;
import java.time.Instant;
import java.util.Map;

/**
 * RFC 8628 §3.4, §3.5: {@code grant_type=urn:ietf:params:oauth:grant-type:device_code}. The client polls
 * until the person decides: {@code authorization_pending}, {@code slow_down} (polled before its interval
 * passed; the interval grows by 5 s), {@code access_denied}, {@code expired_token}, or the tokens, once.
 */
public final class DeviceCodeGrant implements GrantHandler {
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

    private final Tokens tokens;
    private final DeviceCodes codes;
    private final AuthenticationFacts logins;
    private final IdTokens idTokens;

    public DeviceCodeGrant(Tokens tokens, DeviceCodes codes, AuthenticationFacts logins, IdTokens idTokens) {
        this.tokens = tokens;
        this.codes = codes;
        this.logins = logins;
        this.idTokens = idTokens;
    }

    @Override
    public TokenResponse handle(App client, Map<String, String> form) {
        String deviceCode = form.get("device_code");
        if (deviceCode == null || deviceCode.isEmpty()) {
            throw OAuthException.invalidRequest("device_code is required.");
        }
        DeviceCodes.DeviceCode c = codes.byDeviceCode(deviceCode)
                .filter(d -> d.clientId().equals(client.clientId()))
                .orElseThrow(() -> OAuthException.invalidGrant("The device code is not valid."));
        if (c.status() == DeviceCodes.Status.USED) {
            throw OAuthException.invalidGrant("The device code was already used.");
        }
        Instant now = tokens.clock().instant();
        if (!now.isBefore(c.expiresAt())) {
            throw new OAuthException("expired_token", "The device code has expired; start again.", 400);
        }
        switch (c.status()) {
            case DENIED -> throw new OAuthException("access_denied", "The account denied the request.", 400);
            case PENDING -> {
                int slower = codes.poll(c);
                if (slower > 0) {
                    throw new OAuthException("slow_down", "Polling too fast: wait " + slower + " seconds between requests.", 400);
                }
                throw new OAuthException("authorization_pending", "The account has not decided yet.", 400);
            }
            default -> {
                // APPROVED: issue below
            }
        }
        long accountId = c.accountId();
        Tokens.requireMayAuthorize(client, accountId);
        Grant grant = new Grant(tokens.newId(), client.clientId(), accountId, "device_code", c.scope(), null, now, null);
        String refresh = tokens.issuer().newRefreshToken();
        if (!codes.use(c, grant.id(),
                () -> tokens.store().createGrant(grant, Secrets.sha256(refresh), tokens.refreshExpiry(grant.createdAt())))) {
            throw OAuthException.invalidGrant("The device code was already used, or its account can no longer authorize apps.");
        }
        TokenResponse response = tokens.respond(client, grant, c.scope(), refresh);
        if (!c.scope().contains(OidcScopes.OPENID)) {
            return response;
        }
        Instant authTime = c.authTime() == null ? now : c.authTime();
        logins.saveGrant(grant.id(), authTime);
        return idTokens.attach(response, client, accountId, authTime, null);
    }
}
