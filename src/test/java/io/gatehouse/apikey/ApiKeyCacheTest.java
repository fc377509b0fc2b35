package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import io.gatehouse.token.JdbcSigningKeyStore;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.SigningKeys;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key cache and the revoked ids are bounded and expire, without losing a use or letting a revoked key back in. */
class ApiKeyCacheTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestDatabase t;
    private ApiKeys apiKeys;
    private long account;

    @BeforeEach
    void open() throws Exception {
        t = TestDatabase.open(Backend.H2);
        IdGenerator ids = new IdGenerator(clock);
        Audit audit = new AuditModule(t.jdbc, ids, clock).audit;
        Revocations revocations = Revocations.onOneNode(t.jdbc, clock);
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(t.jdbc),
                MasterKey.of(null, Files.createTempDirectory("gh-keycache-")), clock, audit);
        apiKeys = new ApiKeys(new JdbcApiKeyStore(t.jdbc), keys, ids, clock, revocations, audit)
                .followingRevocations();
        account = ids.next();
        new JdbcAccountStore(t.jdbc).insert(new Account(account, "ann@example.com", "Ann", "Lee", Role.USER, clock.instant()), "h");
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void a_use_not_yet_written_when_its_entry_expires_is_written_by_the_next_flush() {
        ApiKeys.Created a = apiKeys.create(account, "a", null, null);
        ApiKeys.Created b = apiKeys.create(account, "b", null, null);
        Instant usedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        apiKeys.verify(a.key());

        clock.advance(ApiKeys.CACHE_TTL.plusMinutes(1));
        apiKeys.verify(b.key());
        apiKeys.cleanUp(); // a's entry leaves the cache with its use unwritten

        assertThat(apiKeys.list(account)).filteredOn(k -> k.id() == a.record().id())
                .extracting(ApiKey::lastUsedAt).containsExactly(usedAt);
        apiKeys.flushLastUsed();
        assertThat(apiKeys.byId(a.record().id()).orElseThrow().lastUsedAt()).isEqualTo(usedAt);
        assertThat(apiKeys.byId(b.record().id()).orElseThrow().lastUsedAt()).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void a_revoked_key_stays_refused_after_its_revoked_id_expired_from_memory() {
        ApiKeys.Created a = apiKeys.create(account, "a", null, null);
        apiKeys.verify(a.key());
        apiKeys.revoke(a.record());
        assertThatThrownBy(() -> apiKeys.verify(a.key())).isInstanceOf(DomainException.class).hasMessageContaining("revoked");

        clock.advance(ApiKeys.CACHE_TTL.plus(Duration.ofHours(1)));
        apiKeys.cleanUp();

        // Both the entry and the id are gone from memory: the database says it again.
        assertThatThrownBy(() -> apiKeys.verify(a.key())).isInstanceOf(DomainException.class).hasMessageContaining("revoked");
    }
}
