package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.apikey.ApiKeyFormat;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.JdbcApiKeyStore;
import io.gatehouse.auth.Principal;
import io.gatehouse.core.DomainException;
import io.gatehouse.store.Database;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.gatehouse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
    @TempDir
    Path dir;

    private Database db;
    private Jdbc jdbc;
    private final MutableClock clock = MutableClock.startingNow();

    @BeforeEach
    void open() {
        db = Database.open("jdbc:h2:file:" + dir.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", null);
        jdbc = new Jdbc(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private io.gatehouse.audit.Audit audit() {
        return new io.gatehouse.audit.AuditModule(jdbc, new IdGenerator(clock), clock).audit;
    }

    private SigningKeys keys(String masterKey) {
        return new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(masterKey, dir), clock, audit());
    }

    @Test
    void keys_are_generated_once_and_shared_by_every_node_on_the_database() {
        SigningKeys first = keys(null);
        SigningKeys second = keys(null);
        assertThat(second.current(SigningKeys.Purpose.API_KEY).kid()).isEqualTo(first.current(SigningKeys.Purpose.API_KEY).kid());
        assertThat(second.current(SigningKeys.Purpose.ACCESS_TOKEN).kid())
                .isEqualTo(first.current(SigningKeys.Purpose.ACCESS_TOKEN).kid());
        assertThat(first.publicJwks().getKeys()).hasSize(1);
        assertThat(first.publicJwks().getKeys().get(0).isPrivate()).isFalse();
    }

    @Test
    void a_key_pair_made_ahead_becomes_the_first_access_token_key_and_signs_what_its_public_part_verifies() throws Exception {
        java.security.KeyPair pair = SigningAlgorithm.newRsaKeyPair();
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(null, dir), clock, audit(),
                SigningAlgorithm.RS256, java.util.concurrent.CompletableFuture.completedFuture(pair));
        SigningKeys.Key key = keys.current(SigningKeys.Purpose.ACCESS_TOKEN);
        assertThat(key.jwk().toRSAKey().toRSAPublicKey()).isEqualTo(pair.getPublic());
        assertThat(key.jwk().getKeyID()).isEqualTo(key.kid());
        assertThat(key.algorithmName()).isEqualTo("RS256");
        // Stored and read back like any generated key: another node on the database verifies with it.
        assertThat(keys(null).publicJwks().getKeys()).singleElement()
                .satisfies(j -> assertThat(j.toRSAKey().toRSAPublicKey()).isEqualTo(pair.getPublic()));
    }

    @Test
    void a_key_pair_made_ahead_that_failed_is_replaced_by_one_made_on_the_spot() {
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(null, dir), clock, audit(),
                SigningAlgorithm.RS256, java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no")));
        assertThat(keys.current(SigningKeys.Purpose.ACCESS_TOKEN).jwk().isPrivate()).isTrue();
    }

    @Test
    void a_new_node_does_not_wait_for_its_first_key_pair_but_what_needs_the_key_waits_for_it() throws Exception {
        var pending = new java.util.concurrent.CompletableFuture<java.security.KeyPair>();
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(null, dir), clock, audit(),
                SigningAlgorithm.RS256, pending); // returns with the pair not made yet
        var jwks = new java.util.concurrent.atomic.AtomicReference<com.nimbusds.jose.jwk.JWKSet>();
        Thread reader = Thread.ofPlatform().start(() -> jwks.set(keys.publicJwks()));
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reader.getState() != Thread.State.WAITING && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }
        assertThat(reader.getState()).as("the JWKS waits for the first key").isEqualTo(Thread.State.WAITING);
        assertThat(jwks.get()).isNull();

        java.security.KeyPair pair = SigningAlgorithm.newRsaKeyPair();
        pending.complete(pair);
        reader.join();

        assertThat(jwks.get().getKeys()).singleElement()
                .satisfies(j -> assertThat(j.toRSAKey().toRSAPublicKey()).isEqualTo(pair.getPublic()));
        assertThat(keys.current(SigningKeys.Purpose.ACCESS_TOKEN).jwk().toRSAKey().toRSAPublicKey()).isEqualTo(pair.getPublic());
        assertThat(jdbc.count("SELECT COUNT(*) FROM signing_keys WHERE purpose = 'access-token'")).isEqualTo(1);
    }

    @Test
    void a_first_key_pair_that_fails_after_the_start_is_replaced_once_by_one_made_on_the_spot() {
        var pending = new java.util.concurrent.CompletableFuture<java.security.KeyPair>();
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(null, dir), clock, audit(),
                SigningAlgorithm.RS256, pending);
        pending.completeExceptionally(new IllegalStateException("no entropy today"));

        assertThat(keys.current(SigningKeys.Purpose.ACCESS_TOKEN).jwk().isPrivate()).isTrue();
        assertThat(keys.publicJwks().getKeys()).hasSize(1);
        assertThat(jdbc.count("SELECT COUNT(*) FROM signing_keys WHERE purpose = 'access-token'")).isEqualTo(1);
    }

    @Test
    void the_generated_master_key_file_is_readable_only_by_its_owner() throws Exception {
        keys(null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.key")))).isEqualTo("rw-------");
    }

    @Test
    void secrets_are_stored_encrypted() {
        SigningKeys k = keys(null);
        byte[] secret = k.current(SigningKeys.Purpose.API_KEY).secret();
        String stored = jdbc.one("SELECT secret_enc FROM signing_keys WHERE purpose = 'api-key'", rs -> rs.getString(1)).orElseThrow();
        assertThat(stored).doesNotContain(java.util.Base64.getEncoder().encodeToString(secret));
        assertThat(jdbc.count("SELECT COUNT(*) FROM signing_keys WHERE secret_enc LIKE '%\"d\"%'")).isZero();
    }

    @Test
    void a_node_with_another_master_key_refuses_to_start_with_a_clear_message() {
        keys("a".repeat(40));
        assertThatThrownBy(() -> keys("b".repeat(40)))
                .hasMessageContaining("master key differs").hasMessageContaining("GATEHOUSE_MASTER_KEY");
    }

    @Test
    void after_rotation_old_keys_still_verify_and_new_ones_are_signed_with_the_new_key() {
        long account = insertAccount();
        SigningKeys nodeA = keys(null);
        SigningKeys nodeB = keys(null);
        ApiKeys onA = new ApiKeys(new JdbcApiKeyStore(jdbc), nodeA, new IdGenerator(clock), clock, io.gatehouse.revocation.Revocations.onOneNode(jdbc, clock), audit());
        ApiKeys onB = new ApiKeys(new JdbcApiKeyStore(jdbc), nodeB, new IdGenerator(clock), clock, io.gatehouse.revocation.Revocations.onOneNode(jdbc, clock), audit());
        String old = onA.create(account, "old", null, null).key();

        String oldKid = nodeA.current(SigningKeys.Purpose.API_KEY).kid();
        clock.advance(Duration.ofSeconds(1));
        SigningKeys.Key fresh = nodeA.rotate(SigningKeys.Purpose.API_KEY);
        // Published, but not signing until every node has had time to load it.
        assertThat(nodeA.current(SigningKeys.Purpose.API_KEY).kid()).isEqualTo(oldKid);
        clock.advance(SigningKeys.ACTIVATION_DELAY.plus(Duration.ofSeconds(1)));
        assertThat(nodeA.current(SigningKeys.Purpose.API_KEY).kid()).isEqualTo(fresh.kid());
        String young = onA.create(account, "young", null, null).key();
        assertThat(onA.verify(old).accountId()).isEqualTo(account);
        assertThat(onA.verify(young).accountId()).isEqualTo(account);
        // Node B missed its periodic reloads here; it reloads when it meets a signature it cannot check.
        Principal p = onB.verify(young);
        assertThat(p.kind()).isEqualTo(Principal.Kind.API_KEY);
        assertThat(p.scope()).isNull();
    }

    @Test
    void a_well_signed_key_whose_id_was_never_stored_is_refused() {
        long account = insertAccount();
        SigningKeys k = keys(null);
        ApiKeys apiKeys = new ApiKeys(new JdbcApiKeyStore(jdbc), k, new IdGenerator(clock), clock, io.gatehouse.revocation.Revocations.onOneNode(jdbc, clock), audit());
        String forged = ApiKeyFormat.mint(k.current(SigningKeys.Purpose.API_KEY), account, 987654321L, Instant.now(), null);
        assertThatThrownBy(() -> apiKeys.verify(forged)).isInstanceOf(DomainException.class).extracting("kind").isEqualTo(DomainException.Kind.UNAUTHENTICATED);
    }

    private long insertAccount() {
        long id = new IdGenerator(clock).next();
        new JdbcAccountStore(jdbc).insert(new Account(id, id + "@example.com", "A", "B", Role.USER, Instant.now()), "h");
        return id;
    }

    @Test
    void with_the_database_away_unverifiable_credentials_make_at_most_one_reload_attempt_a_second() {
        java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        JdbcSigningKeyStore real = new JdbcSigningKeyStore(jdbc);
        SigningKeyStore store = new SigningKeyStore() {
            @Override
            public java.util.List<StoredKey> usable() {
                asked.incrementAndGet();
                if (away.get()) { // each such attempt waits for the pool's timeout (2 s on PostgreSQL) first
                    throw new io.gatehouse.store.StoreException(io.gatehouse.store.StoreException.Failure.UNAVAILABLE,
                            new java.sql.SQLTransientConnectionException("Connection is not available", "08001"));
                }
                return real.usable();
            }

            @Override
            public void insert(StoredKey key) {
                real.insert(key);
            }

            @Override
            public java.util.List<String> retireReplacedBefore(String purpose, Instant replacedBefore, Instant now) {
                return real.retireReplacedBefore(purpose, replacedBefore, now);
            }
        };
        SigningKeys keys = new SigningKeys(store, MasterKey.of(null, dir), clock, audit());
        int atStart = asked.get();

        away.set(true);
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(keys::reloadIfStale).isInstanceOf(io.gatehouse.store.StoreException.class);
        for (int i = 0; i < 50; i++) {
            assertThat(keys.reloadIfStale()).as("tried within the last second").isFalse();
        }
        assertThat(asked.get() - atStart).isEqualTo(1);

        away.set(false);
        clock.advance(Duration.ofSeconds(1));
        assertThat(keys.reloadIfStale()).isTrue();
        assertThat(asked.get() - atStart).isEqualTo(2);
    }
}
