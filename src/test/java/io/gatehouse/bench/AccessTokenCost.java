package io.gatehouse.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.auth.Secrets;
import io.gatehouse.oauth.Grant;
import io.gatehouse.oauth.Issuer;
import io.gatehouse.oauth.TokenIssuer;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import io.gatehouse.token.JdbcSigningKeyStore;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.SigningAlgorithm;
import io.gatehouse.token.SigningKeys;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

/**
 * CPU time of one access token, in one thread, three ways in turn, round after round (thread CPU time, so
 * a busy machine slows it down but hardly changes it): the JDK signing alone over a token-sized input
 * (what {@code bench/SignCeiling.java} measures), {@link TokenIssuer#accessToken} as it is, and the former
 * way through Nimbus' {@code SignedJWT} (claims set, JSON map, a new {@code Signature} per token).
 * {@code java -cp … io.gatehouse.bench.AccessTokenCost [RS256|ES256|EdDSA] [rounds] [tokens per round]};
 * bench/README.md, "Token endpoint: where a grant's CPU goes".
 */
public final class AccessTokenCost {
    private AccessTokenCost() {
    }

    public static void main(String[] args) throws Exception {
        SigningAlgorithm alg = SigningAlgorithm.parse(args.length > 0 ? args[0] : "RS256");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        try (TestDatabase t = TestDatabase.open(Backend.H2)) {
            var audit = new AuditModule(t.jdbc, new IdGenerator(clock), clock).audit;
            SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(t.jdbc),
                    MasterKey.of(null, Files.createTempDirectory("gh-cost-")), clock, audit, alg);
            Issuer issuer = new Issuer();
            issuer.set("http://localhost:8080");
            TokenIssuer tokens = new TokenIssuer(keys, issuer, clock, Duration.ofHours(1), Duration.ofDays(30));
            Grant grant = new Grant(123456789L, "gthc_0123456789abcdef", 42, "client_credentials", List.of("user.read"),
                    null, clock.instant(), null);
            SigningKeys.Key key = keys.current(SigningKeys.Purpose.ACCESS_TOKEN);
            JWSSigner nimbusSigner = key.signer();
            String sample = tokens.accessToken(grant, grant.scope()).value();
            byte[] signingInput = sample.substring(0, sample.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
            PrivateKey rsa = alg == SigningAlgorithm.RS256 ? key.jwk().toRSAKey().toPrivateKey() : null;

            Supplier<Object> bare = () -> {
                try {
                    Signature s = Signature.getInstance("SHA256withRSA");
                    s.initSign(rsa);
                    s.update(signingInput);
                    return s.sign();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            Supplier<Object> now = () -> tokens.accessToken(grant, grant.scope()).value();
            Supplier<Object> before = () -> {
                Instant at = clock.instant();
                JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer.url()).subject(Long.toString(grant.accountId()))
                        .audience(issuer.url()).claim("client_id", grant.clientId()).claim("scope", String.join(" ", grant.scope()))
                        .issueTime(Date.from(at)).expirationTime(Date.from(at.plus(Duration.ofHours(1))))
                        .jwtID(Secrets.randomText(16)).claim(TokenIssuer.GRANT_CLAIM, grant.id()).build();
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm().jws()).type(new JOSEObjectType("at+jwt"))
                        .keyID(key.kid()).build(), claims);
                try {
                    jwt.sign(nimbusSigner);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return jwt.serialize();
            };
            List<String> names = new ArrayList<>(List.of("TokenIssuer (now)", "Nimbus SignedJWT (before)"));
            List<Supplier<Object>> cases = new ArrayList<>(List.of(now, before));
            if (rsa != null) {
                names.add(0, "JDK Signature alone");
                cases.add(0, bare);
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            var alloc = (com.sun.management.ThreadMXBean) mx;
            double[][] micros = new double[cases.size()][rounds];
            double[] bytes = new double[cases.size()];
            for (int r = -2; r < rounds; r++) { // two rounds of warm-up
                for (int c = 0; c < cases.size(); c++) {
                    long cpu = mx.getCurrentThreadCpuTime();
                    long allocated = alloc.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < perRound; i++) {
                        cases.get(c).get();
                    }
                    if (r >= 0) {
                        micros[c][r] = (mx.getCurrentThreadCpuTime() - cpu) / 1000.0 / perRound;
                        bytes[c] = (alloc.getCurrentThreadAllocatedBytes() - allocated) / (double) perRound;
                    }
                }
            }
            System.out.printf("%s, %d rounds of %d tokens, CPU µs per token (median [min–max]), bytes allocated per token:%n",
                    alg, rounds, perRound);
            for (int c = 0; c < cases.size(); c++) {
                double[] m = micros[c].clone();
                java.util.Arrays.sort(m);
                System.out.printf("  %-28s %7.1f [%.1f–%.1f]  %,8.0f B%n", names.get(c), m[rounds / 2], m[0], m[rounds - 1], bytes[c]);
            }
        }
    }
}
