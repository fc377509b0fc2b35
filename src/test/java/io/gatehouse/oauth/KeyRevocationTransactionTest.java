package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.apikey.ApiKey;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.JdbcApiKeyStore;
import io.gatehouse.app.App;
import io.gatehouse.app.JdbcAppStore;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.audit.AuditQuery;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import io.gatehouse.token.JdbcSigningKeyStore;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.SigningKeys;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Revoking an API key revokes the grants made with it as {@code customer_key} in the same transaction
 * (issue 16): a failure after the key's own update leaves nothing revoked, logged or announced, and a
 * retry revokes both. On both databases.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class KeyRevocationTransactionTest {
    @Parameter
    Backend backend;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestDatabase t;
    private final AtomicBoolean fault = new AtomicBoolean();
    private final List<Revocation> announced = new CopyOnWriteArrayList<>();
    private ApiKeys apiKeys;
    private JdbcGrantStore grants;
    private Audit audit;
    private IdGenerator ids;

    @BeforeEach
    void wire() throws Exception {
        t = TestDatabase.open(backend);
        ids = new IdGenerator(clock);
        audit = new AuditModule(t.jdbc, ids, clock).audit;
        Revocations revocations = Revocations.onOneNode(t.jdbc, clock);
        revocations.subscribe(announced::add);
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(t.jdbc),
                MasterKey.of(null, Files.createTempDirectory("gh-keys-")), clock, audit);
        apiKeys = new ApiKeys(new JdbcApiKeyStore(t.jdbc), keys, ids, clock, revocations, audit)
                .followingRevocations();
        grants = new JdbcGrantStore(t.jdbc);
        // The grant store fails, when told to, right after its update ran: the key's update came first.
        GrantStore faulty = (GrantStore) Proxy.newProxyInstance(GrantStore.class.getClassLoader(), new Class<?>[] {GrantStore.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(grants, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("revokeGrantsOfApiKey") && fault.getAndSet(false)) {
                        throw new IllegalStateException("injected fault");
                    }
                    return result;
                });
        new Authorizations(faulty, null, revocations, clock, audit).endGrantsWithTheirApiKey();
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void a_failure_after_the_first_statement_revokes_nothing_and_a_retry_revokes_the_key_with_its_grants() {
        long account = ids.next();
        new JdbcAccountStore(t.jdbc).insert(new Account(account, "ann@example.com", "Ann", "Lee", Role.USER, clock.instant()), "h");
        new JdbcAppStore(t.jdbc).insert(new App("gthc_app", account, "CRM", "", App.ClientType.CONFIDENTIAL, "x",
                List.of("https://a.example.com/cb"), List.of("leads.read"), null, App.Mode.DEVELOPMENT, App.ReviewStatus.DRAFT,
                null, null, false, Set.of(), clock.instant(), clock.instant(), 0), 20);
        ApiKeys.Created created = apiKeys.create(account, "ci", null, null);
        ApiKey key = created.record();
        long g1 = grant(account, key.id());
        long g2 = grant(account, key.id());
        long other = grant(account, null);
        assertThat(apiKeys.verify(created.key()).accountId()).isEqualTo(account);

        fault.set(true);
        assertThatThrownBy(() -> apiKeys.revoke(key)).hasMessageContaining("injected fault");

        assertThat(apiKeys.byId(key.id()).orElseThrow().revokedAt()).isNull();
        assertThat(live(g1)).isTrue();
        assertThat(live(g2)).isTrue();
        assertThat(apiKeys.verify(created.key()).accountId()).isEqualTo(account);
        assertThat(announced).isEmpty();
        assertThat(t.count("revocation_log")).isZero();
        assertThat(events("key.revoked")).isZero();

        ApiKey revoked = apiKeys.revoke(key);

        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(live(g1)).isFalse();
        assertThat(live(g2)).isFalse();
        assertThat(live(other)).isTrue();
        assertThatThrownBy(() -> apiKeys.verify(created.key())).isInstanceOf(DomainException.class);
        assertThat(announced).containsExactlyInAnyOrder(Revocation.apiKey(key.id()), Revocation.grant(g1), Revocation.grant(g2));
        assertThat(t.jdbc.list("SELECT kind, subject FROM revocation_log ORDER BY id", rs -> rs.getString(1) + ":" + rs.getString(2)))
                .containsExactlyInAnyOrder("api_key:" + key.id(), "grant:" + g1, "grant:" + g2);
        assertThat(events("key.revoked")).isOne();
        assertThat(events("authorization.revoked")).isEqualTo(2);
    }

    private long grant(long account, Long apiKeyId) {
        long id = ids.next();
        grants.createGrant(new Grant(id, "gthc_app", account, "client_credentials", List.of("leads.read"), apiKeyId,
                clock.instant(), null), "hash-" + id, clock.instant().plus(Duration.ofDays(30)));
        return id;
    }

    private boolean live(long grantId) {
        return grants.grant(grantId).orElseThrow().revokedAt() == null;
    }

    private long events(String type) {
        return audit.find(new AuditQuery(null, null, null, type, null, null, null, 100)).size();
    }
}
