package io.gatehouse.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.app.App;
import io.gatehouse.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * OpenID Connect Core 1.0 §2, §3.1.3.6: the id_token (RS256 unless GATEHOUSE_TOKEN_SIGNING_ALG says
 * otherwise; signed with the access-token keys that
 * the JWKS publishes, {@code typ: JWT} so that it can never pass as an access token), and the claims
 * that {@code profile} and {@code email} release (§5.4), for the id_token and {@code /oauth/userinfo}.
 */
public final class IdTokens {
    /** An id_token lives as long as an access token would, at most an hour. */
    private static final Duration TTL = Duration.ofHours(1);

    private final SigningKeys keys;
    private final io.gatehouse.oauth.Issuer issuer;
    private final Accounts accounts;
    private final Clock clock;

    /** What a (possibly expired) id_token of ours says: whom it was for, and which app. */
    public record Hint(String clientId, long accountId) {
    }

    public IdTokens(SigningKeys keys, io.gatehouse.oauth.Issuer issuer, Accounts accounts, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** The token response with an id_token added when its scope holds {@code openid}; unchanged otherwise. */
    public TokenResponse attach(TokenResponse r, App client, long accountId, Instant authTime, String nonce) {
        if (!List.of(r.scope().split(" ")).contains(OidcScopes.OPENID)) {
            return r;
        }
        return r.withIdToken(mint(client, accountId, authTime, nonce, r.accessToken(), List.of(r.scope().split(" "))));
    }

    String mint(App client, long accountId, Instant authTime, String nonce, String accessToken, List<String> scope) {
        Instant now = clock.instant();
        IDTokenClaimsSet claims = new IDTokenClaimsSet(new Issuer(issuer.url()), new Subject(Long.toString(accountId)),
                List.of(new Audience(client.clientId())), Date.from(now.plus(TTL)), Date.from(now));
        claims.setAuthenticationTime(Date.from(authTime));
        if (nonce != null) {
            claims.setNonce(new Nonce(nonce));
        }
        claims.setAuthorizedParty(new com.nimbusds.openid.connect.sdk.claims.AuthorizedParty(client.clientId()));
        try {
            SigningKeys.Key key = keys.current(SigningKeys.Purpose.ACCESS_TOKEN);
            // §3.1.3.6: at_hash uses the hash of the id_token's alg (SHA-256 for RS256/ES256, SHA-512 for Ed25519).
            claims.setAccessTokenHash(AccessTokenHash.compute(new BearerAccessToken(accessToken), key.algorithm().jws(),
                    key.algorithm().curve()));
            accounts.byId(accountId).ifPresent(a -> claims.putAll(userClaims(a, scope)));
            return sign(key, claims.toJWTClaimsSet());
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build an id_token", e);
        }
    }

    /** §5.4: {@code profile} → name, given_name, family_name; {@code email} → email, email_verified. */
    public UserInfo userInfo(long accountId, Collection<String> scope) {
        UserInfo info = new UserInfo(new Subject(Long.toString(accountId)));
        accounts.byId(accountId).ifPresent(a -> info.putAll(userClaims(a, scope)));
        return info;
    }

    private static UserInfo userClaims(Account a, Collection<String> scope) {
        UserInfo info = new UserInfo(new Subject(Long.toString(a.id())));
        if (scope.contains(OidcScopes.PROFILE)) {
            String given = a.firstName() == null ? "" : a.firstName().strip();
            String family = a.lastName() == null ? "" : a.lastName().strip();
            String name = (given + " " + family).strip();
            info.setName(name.isEmpty() ? a.email() : name);
            if (!given.isEmpty()) {
                info.setGivenName(given);
            }
            if (!family.isEmpty()) {
                info.setFamilyName(family);
            }
        }
        if (scope.contains(OidcScopes.EMAIL)) {
            info.setEmailAddress(a.email());
            // Gatehouse does not confirm addresses by mail: it says so rather than vouch for them.
            info.setEmailVerified(false);
        }
        return info;
    }

    /**
     * RP-Initiated Logout 1.0 §2: an {@code id_token_hint} names the app and the account. Its signature
     * must be ours; an expired one is still a good hint (logout usually comes late).
     */
    public Optional<Hint> hint(String idToken) {
        if (idToken == null || idToken.length() > 8192) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(idToken);
            String kid = jwt.getHeader().getKeyID();
            if (kid == null) {
                return Optional.empty();
            }
            for (SigningKeys.Key k : keys.verifying(SigningKeys.Purpose.ACCESS_TOKEN)) {
                if (!k.kid().equals(kid) || !k.algorithm().jws().equals(jwt.getHeader().getAlgorithm())) {
                    continue;
                }
                JWSVerifier verifier = k.verifier();
                if (verifier != null && jwt.verify(verifier)) {
                    JWTClaimsSet c = jwt.getJWTClaimsSet();
                    Object azp = c.getClaim("azp");
                    if (!issuer.url().equals(c.getIssuer()) || !(azp instanceof String clientId) || c.getSubject() == null) {
                        return Optional.empty();
                    }
                    return Optional.of(new Hint(clientId, Long.parseLong(c.getSubject())));
                }
            }
            return Optional.empty();
        } catch (java.text.ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private String sign(SigningKeys.Key key, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm().jws()).type(JOSEObjectType.JWT).keyID(key.kid()).build(),
                claims);
        try {
            jwt.sign(keys.signer(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an id_token", e);
        }
        return jwt.serialize();
    }
}
