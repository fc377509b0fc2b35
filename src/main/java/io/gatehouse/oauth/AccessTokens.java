package io.gatehouse.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.auth.CredentialVerifier;
import io.gatehouse.auth.Principal;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.token.SigningKeys;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Verifies {@code Authorization: Bearer <access_token>} (RFC 6750, RFC 9068 §4). A token's signature
 * and claims are checked once per node and the result cached by the token's text; a hit costs a map
 * lookup plus the checks that keep the cache exact: the token's grant and id against the revoked
 * sets (revocation is immediate) and its expiry against the clock.
 *
 * <p>The cache and the revoked sets are bounded Caffeine caches. A cached token leaves at its own
 * expiry; a revoked id stays for the longest an access token lives ({@code GATEHOUSE_ACCESS_TOKEN_TTL})
 * plus a margin, after which every token it could refuse has expired. Should a revoked set overflow its
 * bound, the token cache is emptied with it, so a cached token is never served past its revocation.
 */
public final class AccessTokens implements CredentialVerifier {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final int MAX_CACHED = 200_000;
    private static final int MAX_REVOKED = 1_000_000;
    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final SigningKeys keys;
    private final GrantStore grants;
    private final Issuer issuer;
    private final Clock clock;
    private final Cache<String, Verified> cache;
    private final Cache<Long, Boolean> revokedGrants;
    private final Cache<String, Boolean> revokedTokens;
    /** Verifiers of the keys in {@code verifiersOf}; rebuilt when the key list changes (a rotation, a retirement). */
    private volatile Map<String, Keyed> verifiers = Map.of();
    private volatile List<SigningKeys.Key> verifiersOf = List.of();

    /** A key's verifier and the one algorithm a token signed by it may name (no algorithm confusion). */
    private record Keyed(JWSVerifier verifier, com.nimbusds.jose.JWSAlgorithm algorithm) {
    }

    /** A verified token: what the API needs to know about it. */
    public record Verified(long grantId, String jti, long expiresAtMillis, Principal principal, Instant issuedAt) {
    }

    private final Revocations revocations;

    public AccessTokens(SigningKeys keys, GrantStore grants, Issuer issuer, Clock clock, Revocations revocations,
                        Duration accessTokenTtl) {
        this.revocations = revocations;
        this.keys = keys;
        this.grants = grants;
        this.issuer = issuer;
        this.clock = clock;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.cache = Caffeine.newBuilder().maximumSize(MAX_CACHED).ticker(ticker).executor(Runnable::run)
                .expireAfter(Expiry.creating((String token, Verified v) ->
                        Duration.ofMillis(Math.max(0, v.expiresAtMillis() - clock.millis()))))
                .build();
        Duration keep = accessTokenTtl.plus(MARGIN);
        this.revokedGrants = Caffeine.newBuilder().maximumSize(MAX_REVOKED).expireAfterWrite(keep).ticker(ticker)
                .executor(Runnable::run).<Long, Boolean>removalListener((id, x, cause) -> overflowed(cause)).build();
        this.revokedTokens = Caffeine.newBuilder().maximumSize(MAX_REVOKED).expireAfterWrite(keep).ticker(ticker)
                .executor(Runnable::run).<String, Boolean>removalListener((id, x, cause) -> overflowed(cause)).build();
    }

    private void overflowed(RemovalCause cause) {
        if (cause == RemovalCause.SIZE) {
            cache.invalidateAll(); // a cached token might outlive the revoked id that refused it
        }
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
        followKeys();
        Verified v = cache.getIfPresent(token);
        if (v == null) {
            v = load(token);
            if (v == null) {
                return null;
            }
        }
        if (clock.millis() >= v.expiresAtMillis || revokedGrants.getIfPresent(v.grantId) != null
                || revokedTokens.getIfPresent(v.jti) != null) {
            return null;
        }
        return v;
    }

    /** Revokes one access token (RFC 7009), on every node. */
    public void revoke(Verified v) {
        revocations.run(ended -> {
            grants.revokeAccessToken(v.jti(), Instant.ofEpochMilli(v.expiresAtMillis()), clock.instant());
            ended.add(Revocation.accessToken(v.jti()));
            return null;
        });
    }

    /**
     * Applies a grant's revocation from the bus to this node: its tokens are refused from now on. Revoking
     * (the database, the log, the announcement) is {@code Revocations}' job; this only records the result.
     */
    public void markGrantRevoked(long grantId) {
        revokedGrants.put(grantId, Boolean.TRUE);
    }

    /** Applies one access token's revocation from the bus to this node: it is refused from now on. */
    public void markTokenRevoked(String jti) {
        revokedTokens.put(jti, Boolean.TRUE);
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
        if (!AT_JWT.equals(header.getType()) || header.getKeyID() == null) {
            return null;
        }
        Keyed verifier = verifier(header.getKeyID());
        if (verifier == null && keys.reloadIfStale()) {
            verifier = verifier(header.getKeyID());
        }
        try {
            if (verifier == null || !verifier.algorithm().equals(header.getAlgorithm()) || !jwt.verify(verifier.verifier())) {
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
                revokedGrants.put(grantId, Boolean.TRUE);
                return null;
            }
            Set<String> scopes = new LinkedHashSet<>(List.of(scope.isBlank() ? new String[0] : scope.split(" ")));
            Principal p = Principal.of(accountId, Principal.Kind.ACCESS_TOKEN, jti, clientId,
                    java.util.Collections.unmodifiableSet(scopes),
                    exp.toInstant());
            Verified v = new Verified(grantId, jti, exp.getTime(), p, iat.toInstant());
            cache.put(token, v);
            return v;
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    /** The verifier of a key that verifies now; a retired key has none. */
    private Keyed verifier(String kid) {
        followKeys();
        return verifiers.get(kid);
    }

    /**
     * Keeps the verifiers to the keys that verify now. When a key left (it retired), the cached tokens go
     * too: a token is served from the cache only while its key still verifies.
     */
    private void followKeys() {
        List<SigningKeys.Key> current = keys.verifying(SigningKeys.Purpose.ACCESS_TOKEN);
        if (current == verifiersOf) {
            return;
        }
        Map<String, Keyed> old = verifiers;
        Map<String, Keyed> built = new java.util.HashMap<>();
        for (SigningKeys.Key k : current) {
            Keyed v = old.get(k.kid());
            if (v == null) {
                JWSVerifier verifier = k.verifier();
                if (verifier == null) {
                    continue; // not a key we can use: tokens naming it do not verify
                }
                v = new Keyed(verifier, k.algorithm().jws());
            }
            built.put(k.kid(), v);
        }
        verifiers = Map.copyOf(built);
        verifiersOf = current;
        if (!built.keySet().containsAll(old.keySet())) {
            cache.invalidateAll();
        }
    }
}
