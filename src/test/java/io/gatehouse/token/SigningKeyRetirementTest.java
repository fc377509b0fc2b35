package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.app.App;
import io.gatehouse.app.JdbcAppStore;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.audit.AuditQuery;
import io.gatehouse.oauth.AccessTokens;
import io.gatehouse.oauth.Grant;
import io.gatehouse.oauth.Issuer;
import io.gatehouse.oauth.JdbcGrantStore;
import io.gatehouse.oauth.TokenIssuer;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16: a signing key retires once no token it signed can still be valid; then it no longer verifies
 * and the JWKS no longer lists it. Never before: a key that signed until recently keeps verifying.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SigningKeyRetirementTest {
    private static final Duration TTL = Duration.ofHours(1);

    @Parameter
    Backend backend;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestDatabase t;
    private Audit audit;
    private SigningKeys keys;
    private Path dir;

    @BeforeEach
    void open() throws Exception {
        t = TestDatabase.open(backend);
        dir = Files.createTempDirectory("gh-retire-");
        audit = new AuditModule(t.jdbc, new IdGenerator(clock), clock).audit;
        keys = new SigningKeys(new JdbcSigningKeyStore(t.jdbc), MasterKey.of(null, dir), clock, audit);
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void a_replaced_key_retires_after_the_longest_token_it_signed_and_then_neither_verifies_nor_is_published() {
        long account = 42;
        new JdbcAccountStore(t.jdbc).insert(new Account(account, "ann@example.com", "Ann", "Lee", Role.USER, clock.instant()), "h");
        new JdbcAppStore(t.jdbc).insert(new App("gthc_keys", account, "CRM", "", App.ClientType.CONFIDENTIAL, "x",
                List.of("https://a.example.com/cb"), List.of("leads.read"), null, App.Mode.DEVELOPMENT, App.ReviewStatus.DRAFT,
                null, null, false, Set.of(), clock.instant(), clock.instant(), 0), 20);
        JdbcGrantStore grants = new JdbcGrantStore(t.jdbc);
        Grant grant = new Grant(7, "gthc_keys", account, "client_credentials", List.of("leads.read"), null, clock.instant(), null);
        grants.createGrant(grant, "refresh-hash", clock.instant().plus(Duration.ofDays(30)));
        Issuer issuer = new Issuer();
        issuer.set("http://localhost:8080");
        AccessTokens accessTokens = new AccessTokens(keys, grants, issuer, clock, Revocations.onOneNode(t.jdbc, clock), TTL);
        // A token that lives far longer than the TTL the retirement counts with: only its key can stop it.
        String longLived = new TokenIssuer(keys, issuer, clock, Duration.ofDays(2), Duration.ofDays(30))
                .accessToken(grant, List.of("leads.read")).value();
        String old = keys.current(SigningKeys.Purpose.ACCESS_TOKEN).kid();
        String oldApiKey = keys.current(SigningKeys.Purpose.API_KEY).kid();

        clock.advance(Duration.ofMinutes(1));
        String fresh = keys.rotate(SigningKeys.Purpose.ACCESS_TOKEN).kid();
        keys.rotate(SigningKeys.Purpose.API_KEY);
        // The old key signs until the new one is active, so tokens it signed then live an hour more.
        clock.advance(SigningKeys.ACTIVATION_DELAY.plus(TTL));
        assertThat(keys.retireReplaced(TTL)).isEmpty();
        assertThat(kids()).contains(old, fresh);
        assertThat(accessTokens.check(longLived)).isNotNull();

        clock.advance(SigningKeys.RETIREMENT_MARGIN.plusSeconds(1));
        assertThat(keys.retireReplaced(TTL)).containsExactly(old);

        assertThat(kids()).containsExactly(fresh);
        assertThat(keys.verifying(SigningKeys.Purpose.ACCESS_TOKEN)).extracting(SigningKeys.Key::kid).containsExactly(fresh);
        assertThat(accessTokens.check(longLived)).isNull();
        // API keys may live forever: their signing keys never retire on their own.
        assertThat(keys.verifying(SigningKeys.Purpose.API_KEY)).extracting(SigningKeys.Key::kid).contains(oldApiKey);
        // Another node (or a second run) retires nothing twice, and loads the same keys.
        SigningKeys otherNode = new SigningKeys(new JdbcSigningKeyStore(t.jdbc), MasterKey.of(null, dir), clock, audit);
        assertThat(otherNode.retireReplaced(TTL)).isEmpty();
        assertThat(otherNode.publicJwks().getKeys()).extracting(k -> k.getKeyID()).containsExactly(fresh);

        List<AuditEvent> retired = audit.find(new AuditQuery(null, null, null, "signing_key.retired", null, null, null, 10));
        assertThat(retired).hasSize(1);
        assertThat(retired.get(0).actor()).isEqualTo("system");
        assertThat(retired.get(0).details()).containsEntry("kid", old);
    }

    private List<String> kids() {
        return keys.publicJwks().getKeys().stream().map(k -> k.getKeyID()).toList();
    }
}
