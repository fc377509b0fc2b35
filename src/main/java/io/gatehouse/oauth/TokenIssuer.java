package io.gatehouse.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mints tokens: RFC 9068 access tokens (JWT, {@code typ: at+jwt}; RS256 unless the operator chose ES256
 * or EdDSA) and opaque refresh tokens.
 * Signing is the one expensive step of the token endpoint; everything else here is cheap.
 */
public final class TokenIssuer {
    /** Private claim: the grant the token belongs to, so that revoking the grant revokes the token. */
    public static final String GRANT_CLAIM = "gid";
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final SigningKeys keys;
    private final Issuer issuer;
    private final Clock clock;
    private final Duration accessTtl;
    private final Duration refreshTtl;
    private final ConcurrentHashMap<String, JWSSigner> signers = new ConcurrentHashMap<>();

    public record AccessToken(String value, String jti, Instant issuedAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[" + jti + "]";
        }
    }

    public TokenIssuer(SigningKeys keys, Issuer issuer, Clock clock, Duration accessTtl, Duration refreshTtl) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
        this.accessTtl = accessTtl;
        this.refreshTtl = refreshTtl;
    }

    /** RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti, scope; plus the grant id. */
    public AccessToken accessToken(Grant grant, List<String> scope) {
        Instant now = clock.instant();
        Instant exp = now.plus(accessTtl);
        String jti = Secrets.randomText(16);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer.url())
                .subject(Long.toString(grant.accountId()))
                .audience(issuer.url())
                .claim("client_id", grant.clientId())
                .claim("scope", String.join(" ", scope))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(jti)
                .claim(GRANT_CLAIM, grant.id())
                .build();
        SigningKeys.Key key = keys.current(SigningKeys.Purpose.ACCESS_TOKEN);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm().jws()).type(AT_JWT).keyID(key.kid()).build(), claims);
        try {
            jwt.sign(signers.computeIfAbsent(key.kid(), k -> key.signer()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return new AccessToken(jwt.serialize(), jti, now, exp);
    }

    public String newRefreshToken() {
        return CredentialFormat.REFRESH_TOKEN.mint();
    }

    public Instant refreshExpiry() {
        return clock.instant().plus(refreshTtl);
    }

    public Duration accessTtl() {
        return accessTtl;
    }
}
