package io.gatehouse.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.auth.CredentialVerifier;
import io.gatehouse.auth.Principal;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.RevocationBus;
import io.gatehouse.token.SigningKeys;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies {@code Authorization: Bearer <access_token>} (RFC 6750, RFC 9068 §4). A token's signature
 * and claims are checked once per node and the result cached by the token's text; a hit costs a map
 * lookup plus the checks that keep the cache exact: the token's grant and id against the revoked
 * sets (revocation is immediate) and its expiry against the clock.
 */
public final class AccessTokens implements CredentialVerifier {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final int MAX_CACHED = 200_000;

    private final SigningKeys keys;
    private final GrantStore grants;
    private final Issuer issuer;
    private final Clock clock;
    private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RSASSAVerifier> verifiers = new ConcurrentHashMap<>();
    private final Set<Long> revokedGrants = ConcurrentHashMap.newKeySet();
    private final Set<String> revokedTokens = ConcurrentHashMap.newKeySet();

    /** A verified token: what the API needs to know about it. */
    public record Verified(long grantId, String jti, long expiresAtMillis, Principal principal, Instant issuedAt) {
    }

    private final RevocationBus bus;

    public AccessTokens(SigningKeys keys, GrantStore grants, Issuer issuer, Clock clock, RevocationBus bus) {
        this.bus = bus;
        this.keys = keys;
        this.grants = grants;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public Principal verify(String token) {
        Verified v = check(token);
        if (v == null) {
            throw DomainException.unauthenticated("The access token is not valid, has expired or was revoked.");
        }
        return v.principal();
    }

    /** The live token's facts, or null if it is not a live token of ours (never throws on bad input). */
    public Verified check(String token) {
        Verified v = cache.get(token);
        if (v == null) {
            v = load(token);
            if (v == null) {
                return null;
            }
        }
        if (clock.millis() >= v.expiresAtMillis || revokedGrants.contains(v.grantId) || revokedTokens.contains(v.jti)) {
            return null;
        }
        return v;
    }

    /** Revokes one access token (RFC 7009), on every node. */
    public void revoke(Verified v) {
        grants.revokeAccessToken(v.jti(), Instant.ofEpochMilli(v.expiresAtMillis()), clock.instant());
        bus.publish(Revocation.accessToken(v.jti()));
    }

    /** Announces grants already revoked in the database: every token of them stops, on every node. */
    public void grantsRevoked(List<Long> grantIds) {
        for (Long id : grantIds) {
            bus.publish(Revocation.grant(id));
        }
    }

    /** Applies a revocation from the bus to this node's cache. */
    public void forgetGrant(long grantId) {
        revokedGrants.add(grantId);
    }

    public void forgetToken(String jti) {
        revokedTokens.add(jti);
    }

    private Verified load(String token) {
        if (token.length() > 8192) {
            return null;
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            // Nimbus throws NullPointerException and the like on some malformed input (a header of "null").
            return null;
        }
        var header = jwt.getHeader();
        if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) || !AT_JWT.equals(header.getType()) || header.getKeyID() == null) {
            return null;
        }
        RSASSAVerifier verifier = verifier(header.getKeyID());
        if (verifier == null && keys.reloadIfStale()) {
            verifier = verifier(header.getKeyID());
        }
        try {
            if (verifier == null || !jwt.verify(verifier)) {
                return null;
            }
        } catch (JOSEException e) {
            return null;
        }
        try {
            Date exp = claims.getExpirationTime();
            Date iat = claims.getIssueTime();
            String jti = claims.getJWTID();
            Object gid = claims.getClaim(TokenIssuer.GRANT_CLAIM);
            String clientId = claims.getStringClaim("client_id");
            String scope = claims.getStringClaim("scope");
            if (exp == null || iat == null || jti == null || !(gid instanceof Number) || clientId == null || scope == null
                    || !issuer.url().equals(claims.getIssuer()) || claims.getAudience() == null
                    || !claims.getAudience().contains(issuer.url())) {
                return null;
            }
            long grantId = ((Number) gid).longValue();
            long accountId = Long.parseLong(claims.getSubject());
            if (clock.millis() >= exp.getTime()) {
                return null;
            }
            if (grants.isRevoked(grantId, jti)) {
                revokedGrants.add(grantId);
                return null;
            }
            Set<String> scopes = new LinkedHashSet<>(List.of(scope.isBlank() ? new String[0] : scope.split(" ")));
            Principal p = Principal.of(accountId, Principal.Kind.ACCESS_TOKEN, jti, clientId,
                    java.util.Collections.unmodifiableSet(scopes),
                    exp.toInstant());
            Verified v = new Verified(grantId, jti, exp.getTime(), p, iat.toInstant());
            if (cache.size() >= MAX_CACHED) {
                evictExpired();
            }
            cache.put(token, v);
            return v;
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private void evictExpired() {
        long now = clock.millis();
        cache.values().removeIf(v -> v.expiresAtMillis <= now);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
    }

    private RSASSAVerifier verifier(String kid) {
        RSASSAVerifier v = verifiers.get(kid);
        if (v != null) {
            return v;
        }
        for (SigningKeys.Key k : keys.verifying(SigningKeys.Purpose.ACCESS_TOKEN)) {
            if (k.kid().equals(kid)) {
                try {
                    v = new RSASSAVerifier(k.rsa().toRSAPublicKey());
                } catch (JOSEException e) {
                    return null;
                }
                verifiers.put(kid, v);
                return v;
            }
        }
        return null;
    }
}
