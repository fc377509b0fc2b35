package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.auth.Secrets;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6): a code becomes a grant, once. */
public final class AuthorizationCodeGrant implements GrantHandler {
    private final Tokens tokens;
    private final AccessTokens accessTokens;
    private final AuthenticationFacts logins;
    private final IdTokens idTokens;

    public AuthorizationCodeGrant(Tokens tokens, AccessTokens accessTokens, AuthenticationFacts logins, IdTokens idTokens) {
        this.tokens = tokens;
        this.accessTokens = accessTokens;
        this.logins = logins;
        this.idTokens = idTokens;
    }

    @Override
    public TokenResponse handle(App client, Map<String, String> form) {
        String code = form.get("code");
        if (code == null || code.isEmpty()) {
            throw OAuthException.invalidRequest("code is required.");
        }
        String redirectUri = form.get("redirect_uri");
        String verifier = form.get("code_verifier");
        String refresh = tokens.issuer().newRefreshToken();
        Audit audit = tokens.audit();
        GrantStore.CodeExchange result = tokens.revocations().run(ended -> recordReplay(audit, ended, client, tokens.store().exchangeCode(Secrets.sha256(code), client.clientId(), tokens.clock().instant(), c -> {
            if (!c.clientId().equals(client.clientId())) {
                throw OAuthException.invalidGrant("The code was issued to another client.");
            }
            if (redirectUri == null || !redirectUri.equals(c.redirectUri())) {
                throw OAuthException.invalidGrant("redirect_uri must equal the one the code was issued for.");
            }
            try {
                checkPkce(c.codeChallenge(), verifier);
            } catch (OAuthException e) {
                // SPEC §11 v2: a failed PKCE check ends the code; a guessed verifier gets no second try.
                throw new GrantStore.EndCode(e);
            }
            // As the refresh and device grants do: a development app's test user removed since consenting gets nothing.
            // After PKCE, so a code thief without the verifier learns nothing of the account; the code ends, as it can
            // never give tokens now.
            try {
                Tokens.requireMayAuthorize(client, c.accountId());
            } catch (OAuthException e) {
                throw new GrantStore.EndCode(e);
            }
            Instant now = tokens.clock().instant();
            return new Grant(tokens.newId(), client.clientId(), c.accountId(), "authorization_code", c.scope(), null, now, null);
        }, Secrets.sha256(refresh), tokens.refreshExpiry(tokens.clock().instant()))));
        if (result.ended() != null) {
            throw result.ended();
        }
        if (result.replayedGrant() != null) {
            // RFC 6749 §4.1.2: a code used twice revokes every token issued from it (done in the exchange).
            throw OAuthException.invalidGrant("The code was already used; the tokens issued from it are revoked.");
        }
        if (result.grant() == null) {
            throw OAuthException.invalidGrant("The code is not valid or has expired.");
        }
        Grant g = result.grant();
        TokenResponse response = tokens.respond(client, g, g.scope(), refresh);
        if (!g.scope().contains(OidcScopes.OPENID)) {
            return response;
        }
        // OpenID Connect Core 1.0 §3.1.3.3: the login behind the code, kept with the grant for refreshes.
        AuthenticationFacts.Login login = logins.ofCode(Secrets.sha256(code))
                .orElse(new AuthenticationFacts.Login(g.createdAt(), null));
        logins.saveGrant(g.id(), login.authTime());
        return idTokens.attach(response, client, g.accountId(), login.authTime(), login.nonce());
    }

    /** A replayed code's audit record and revocation, in the transaction that revoked its grant. */
    private static GrantStore.CodeExchange recordReplay(Audit audit, Revocations.Ended ended, App client,
                                                        GrantStore.CodeExchange result) {
        if (result.replayedGrant() != null) {
            audit.record(Audit.event(AuditType.CODE_REUSED).client(client.clientId())
                    .detail("grant_id", result.replayedGrant() < 0 ? null : result.replayedGrant()).detail("grant_revoked", true));
            if (result.replayedGrant() >= 0) {
                ended.add(Revocation.grant(result.replayedGrant()));
            }
        }
        return result;
    }

    /** S256 only; a verifier without a challenge is a downgrade attempt (RFC 9700 §2.1.1) and refused. */
    static void checkPkce(String challenge, String verifier) {
        if (challenge == null) {
            if (verifier != null) {
                throw OAuthException.invalidGrant("code_verifier sent, but no code_challenge was sent when authorizing.");
            }
            return;
        }
        if (verifier == null) {
            throw OAuthException.invalidGrant("code_verifier is required: a code_challenge was sent when authorizing.");
        }
        if (verifier.length() < 43 || verifier.length() > 128 || !verifier.matches("[A-Za-z0-9._~-]+")) {
            throw OAuthException.invalidGrant("code_verifier must be 43 to 128 characters of [A-Za-z0-9._~-].");
        }
        String computed = s256(verifier);
        if (!MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII))) {
            throw OAuthException.invalidGrant("code_verifier does not match the code_challenge.");
        }
    }

    static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
