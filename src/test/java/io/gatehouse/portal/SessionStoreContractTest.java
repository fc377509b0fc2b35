package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** One contract for every SessionStore: in memory, H2 and PostgreSQL. */
@ParameterizedClass
@EnumSource(SessionStoreContractTest.Impl.class)
class SessionStoreContractTest {
    enum Impl { IN_MEMORY, H2, POSTGRES }

    private static final long ACCOUNT = 4242;
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Parameter
    Impl impl;

    private TestDatabase t;
    private SessionStore store;

    @BeforeEach
    void open() {
        if (impl == Impl.IN_MEMORY) {
            store = new InMemorySessionStore();
            return;
        }
        t = TestDatabase.open(impl == Impl.H2 ? Backend.H2 : Backend.POSTGRES);
        new JdbcAccountStore(t.jdbc).insert(new Account(ACCOUNT, "ann@example.com", "Ann", "Lee", Role.USER, T0), "h");
        store = new JdbcSessionStore(t.jdbc);
    }

    @AfterEach
    void close() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void a_session_is_found_until_it_expires_and_not_after() {
        SessionStore.Session s = new SessionStore.Session(ACCOUNT, T0, T0.plus(Duration.ofHours(12)));
        store.insert("hash-a", s);
        assertThat(store.live("hash-a", T0.plusSeconds(1))).contains(s);
        assertThat(store.live("hash-a", T0.plus(Duration.ofHours(12)))).isEmpty();
        assertThat(store.live("hash-unknown", T0)).isEmpty();
    }

    @Test
    void a_deleted_session_is_gone_and_others_stay() {
        store.insert("hash-a", new SessionStore.Session(ACCOUNT, T0, T0.plus(Duration.ofHours(1))));
        store.insert("hash-b", new SessionStore.Session(ACCOUNT, T0, T0.plus(Duration.ofHours(1))));
        store.delete("hash-a");
        store.delete("hash-never");
        assertThat(store.live("hash-a", T0)).isEmpty();
        assertThat(store.live("hash-b", T0)).isPresent();
    }

    /**
     * Audit "attack2": a login stores its session only while the account is at the version whose password it checked
     * and is neither disabled nor deleted; otherwise nothing is stored (the login racing a reset keeps no session).
     */
    @Test
    void a_session_is_stored_only_for_the_account_version_whose_password_was_checked() {
        org.junit.jupiter.api.Assumptions.assumeTrue(impl != Impl.IN_MEMORY, "the in-memory store keeps no accounts");
        long version = t.jdbc.one("SELECT version FROM accounts WHERE id = ?", rs -> rs.getLong(1), ACCOUNT).orElseThrow();
        SessionStore.Session s = new SessionStore.Session(ACCOUNT, T0, T0.plus(Duration.ofHours(12)));
        assertThat(store.insertIfCurrent("hash-now", s, version)).isTrue();
        assertThat(store.live("hash-now", T0)).contains(s);

        t.jdbc.update("UPDATE accounts SET version = version + 1 WHERE id = ?", ACCOUNT); // a reset or change went first
        assertThat(store.insertIfCurrent("hash-old", s, version)).isFalse();
        assertThat(store.live("hash-old", T0)).isEmpty();

        t.jdbc.update("UPDATE accounts SET disabled_at = ? WHERE id = ?", T0, ACCOUNT);
        assertThat(store.insertIfCurrent("hash-disabled", s, version + 1)).isFalse();
        assertThat(store.live("hash-disabled", T0)).isEmpty();

        t.jdbc.update("UPDATE accounts SET disabled_at = NULL, deleted_at = ? WHERE id = ?", T0, ACCOUNT);
        assertThat(store.insertIfCurrent("hash-deleted", s, version + 1)).isFalse();
        assertThat(store.live("hash-deleted", T0)).isEmpty();
    }
}
