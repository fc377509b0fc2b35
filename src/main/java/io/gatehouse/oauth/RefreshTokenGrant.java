package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.auth.Secrets;
import io.gatehouse.revocation.Revocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14): each refresh token works once; reuse revokes the grant.
 * SPEC §11 v2: rotation happens only after every check passed, and never past the grant's absolute lifetime.
 */
public final class RefreshTokenGrant implements GrantHandler {
    private final Tokens tokens;
    private final AccessTokens accessTokens;
    private final AuthenticationFacts logins;
    private final IdTokens idTokens;

    public RefreshTokenGrant(Tokens tokens, AccessTokens accessTokens, AuthenticationFacts logins, IdTokens idTokens) {
        this.tokens = tokens;
        this.accessTokens = accessTokens;
        this.logins = logins;
        this.idTokens = idTokens;
    }

    @Override
    public TokenResponse handle(App client, Map<String, String> form) {
        String presented = form.get("refresh_token");
        if (presented == null || presented.isEmpty()) {
            throw OAuthException.invalidRequest("refresh_token is required.");
        }
        String next = tokens.issuer().newRefreshToken();
        Instant now = tokens.clock().instant();
        List<List<String>> approvedScope = new ArrayList<>(1);
        Audit audit = tokens.audit();
        // The grant's revocation on reuse, its audit record and its log entry are one transaction. Every check of
        // the request runs inside the rotation, before the token is marked used: a refused request leaves it usable
        // (SPEC §11 v2).
        GrantStore.Refresh r = tokens.revocations().run(ended -> {
            GrantStore.Refresh outcome = tokens.store().rotateRefresh(client.clientId(), Secrets.sha256(presented),
                    Secrets.sha256(next), now, grant -> {
                        if (!now.isBefore(tokens.grantEnd(grant.createdAt()))) {
                            throw OAuthException.invalidGrant("This grant has reached its maximum age; authorize again.");
                        }
                        Tokens.requireMayAuthorize(client, grant.accountId());
                        approvedScope.clear(); // a retried transaction checks again
                        approvedScope.add(scope(client, grant, form.get("scope")));
                        return tokens.refreshExpiry(grant.createdAt());
                    });
            if (outcome.outcome() == GrantStore.RefreshOutcome.REUSED) {
                audit.record(Audit.event(AuditType.REFRESH_TOKEN_REUSED).account(outcome.grant().accountId())
                        .client(client.clientId()).detail("grant_id", outcome.grant().id()).detail("grant_revoked", true));
                ended.add(Revocation.grant(outcome.grant().id()));
            }
            return outcome;
        });
        switch (r.outcome()) {
            case REUSED -> {
                throw OAuthException.invalidGrant("This refresh token was already used; every token of its grant is revoked.");
            }
            case UNKNOWN -> throw OAuthException.invalidGrant("The refresh token is not valid.");
            case EXPIRED -> throw OAuthException.invalidGrant("The refresh token has expired.");
            case REVOKED -> throw OAuthException.invalidGrant("The refresh token was revoked.");
            case ROTATED -> {
                // fall through to issue
            }
        }
        Grant grant = r.grant();
        List<String> scope = approvedScope.get(0);
        TokenResponse response = tokens.respond(client, grant, scope, next);
        if (!scope.contains(OidcScopes.OPENID)) {
            return response;
        }
        // OpenID Connect Core 1.0 §12.2: a new id_token, same login time, no nonce.
        return idTokens.attach(response, client, grant.accountId(),
                logins.authTimeOfGrant(grant.id()).orElse(grant.createdAt()), null);
    }

    /** Never more than was granted, and nothing the app has since lost (RFC 6749 §6). */
    private static List<String> scope(App client, Grant grant, String requested) {
        List<String> allowed = grant.scope().stream().filter(s -> client.permissions().contains(s) || OidcScopes.isOidc(s)).toList();
        return Tokens.scope(requested, allowed);
    }
}
