package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.app.App;
import io.gatehouse.app.JdbcAppStore;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import io.gatehouse.token.JdbcSigningKeyStore;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.SigningAlgorithm;
import io.gatehouse.token.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The access token as {@link TokenIssuer} writes it by hand (prebuilt header, claims written by Jackson,
 * RS256 with reused JDK Signatures): Nimbus, an independent reader, parses it and verifies its signature
 * with the key's public part, and finds every RFC 9068 claim with its type; tokens signed from many
 * threads at once (sharing the pooled Signatures) all verify and all differ.
 */
class TokenIssuerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.123Z"));
    private TestDatabase t;
    private Path dir;

    @AfterEach
    void close() throws Exception {
        if (t != null) {
            t.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private SigningKeys keys(SigningAlgorithm alg) throws Exception {
        t = TestDatabase.open(Backend.H2);
        dir = Files.createTempDirectory("gh-issuer-");
        var audit = new AuditModule(t.jdbc, new IdGenerator(clock), clock).audit;
        return new SigningKeys(new JdbcSigningKeyStore(t.jdbc), MasterKey.of(null, dir), clock, audit, alg);
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void a_token_is_a_jwt_that_nimbus_parses_and_verifies_with_every_claim_of_rfc_9068(SigningAlgorithm alg) throws Exception {
        SigningKeys keys = keys(alg);
        Issuer issuer = new Issuer();
        issuer.set("https://auth.example.com");
        TokenIssuer tokens = new TokenIssuer(keys, issuer, clock, Duration.ofHours(1), Duration.ofDays(30));
        Grant grant = new Grant(123456789012L, "gthc_abc\"\\é", 42, "client_credentials", List.of("leads.read", "user.read"),
                null, clock.instant(), null);

        TokenIssuer.AccessToken at = tokens.accessToken(grant, grant.scope());

        SignedJWT jwt = SignedJWT.parse(at.value());
        SigningKeys.Key key = keys.current(SigningKeys.Purpose.ACCESS_TOKEN);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(alg.jws());
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.kid());
        assertThat(jwt.verify(key.verifier())).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://auth.example.com");
        assertThat(claims.getAudience()).containsExactly("https://auth.example.com");
        assertThat(claims.getSubject()).isEqualTo("42");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("gthc_abc\"\\é");
        assertThat(claims.getStringClaim("scope")).isEqualTo("leads.read user.read");
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(Instant.parse("2026-03-01T10:00:00Z")));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(Instant.parse("2026-03-01T11:00:00Z")));
        assertThat(claims.getJWTID()).isEqualTo(at.jti());
        assertThat(claims.getLongClaim(TokenIssuer.GRANT_CLAIM)).isEqualTo(123456789012L);
        assertThat(claims.getClaims().keySet())
                .containsExactlyInAnyOrder("iss", "sub", "aud", "client_id", "scope", "iat", "exp", "jti", TokenIssuer.GRANT_CLAIM);
        assertThat(at.issuedAt()).isEqualTo(clock.instant());
        assertThat(at.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));

        // and the API's own verifier takes it (its grant stored, as the token endpoint does before answering)
        new JdbcAccountStore(t.jdbc).insert(new Account(42, "ann@example.com", "Ann", "Lee", Role.USER, clock.instant()), "h");
        new JdbcAppStore(t.jdbc).insert(new App(grant.clientId(), 42, "CRM", "", App.ClientType.CONFIDENTIAL, "x",
                List.of("https://a.example.com/cb"), List.of("leads.read", "user.read"), null, App.Mode.DEVELOPMENT,
                App.ReviewStatus.DRAFT, null, null, false, Set.of(), clock.instant(), clock.instant(), 0), 20);
        var grants = new JdbcGrantStore(t.jdbc);
        grants.createGrant(grant, "refresh-hash", clock.instant().plus(Duration.ofDays(30)));
        var accessTokens = new AccessTokens(keys, grants, issuer, clock, Revocations.onOneNode(t.jdbc, clock), Duration.ofHours(1));
        AccessTokens.Verified v = accessTokens.check(at.value());
        assertThat(v).isNotNull();
        assertThat(v.grantId()).isEqualTo(grant.id());
        assertThat(v.principal().scope()).containsExactly("leads.read", "user.read");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void tokens_signed_from_many_threads_at_once_all_verify(SigningAlgorithm alg) throws Exception {
        SigningKeys keys = keys(alg);
        Issuer issuer = new Issuer();
        issuer.set("http://localhost:8080");
        TokenIssuer tokens = new TokenIssuer(keys, issuer, clock, Duration.ofHours(1), Duration.ofDays(30));
        JWSVerifier verifier = keys.current(SigningKeys.Purpose.ACCESS_TOKEN).verifier();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Callable<Void>> work = new ArrayList<>();
        for (int thread = 0; thread < 8; thread++) {
            long base = thread * 1000L;
            work.add(() -> {
                for (int i = 0; i < 40; i++) {
                    Grant grant = new Grant(base + i, "gthc_x", 7, "client_credentials", List.of("user.read"), null, clock.instant(), null);
                    SignedJWT jwt = SignedJWT.parse(tokens.accessToken(grant, grant.scope()).value());
                    assertThat(jwt.verify(verifier)).isTrue();
                    assertThat(jwt.getJWTClaimsSet().getLongClaim(TokenIssuer.GRANT_CLAIM)).isEqualTo(base + i);
                    seen.add(jwt.serialize());
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Void> f : pool.invokeAll(work)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(seen).hasSize(8 * 40);
    }
}
