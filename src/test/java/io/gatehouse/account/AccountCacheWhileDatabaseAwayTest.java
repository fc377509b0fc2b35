package io.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.Audit;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.StoreException;
import io.gatehouse.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node whose database link is cut serves a known account from its cache; it asks the database again at
 * most once per cache period, not on every request (each ask waits for the pool's timeout, 2 s on PostgreSQL).
 */
class AccountCacheWhileDatabaseAwayTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final AtomicBoolean away = new AtomicBoolean();
    private final AtomicInteger asked = new AtomicInteger();
    private final Account ann = new Account(7, "ann@example.com", "Ann", "Lee", Role.USER, Instant.EPOCH);

    /** The only call these tests make is byId: answered, or refused as unreachable while {@link #away}. */
    private final AccountStore store = (AccountStore) Proxy.newProxyInstance(AccountStore.class.getClassLoader(),
            new Class<?>[] {AccountStore.class}, (proxy, method, args) -> {
                if (!method.getName().equals("byId")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                asked.incrementAndGet();
                if (away.get()) {
                    throw new StoreException(StoreException.Failure.UNAVAILABLE,
                            new SQLTransientConnectionException("Connection is not available, request timed out after 2000ms.", "08001"));
                }
                return Optional.of(ann);
            });

    private final Accounts accounts = new Accounts(store, new PasswordHasher(), new IdGenerator(clock), clock, Audit.inMemory(clock));

    @Test
    void with_the_database_away_a_cached_account_is_served_and_the_database_asked_once_per_period_not_per_request() {
        assertThat(accounts.byId(7)).contains(ann);
        assertThat(asked).hasValue(1);

        away.set(true);
        clock.advance(Duration.ofSeconds(6)); // past the 5 s in which the cached copy counts as fresh
        for (int i = 0; i < 100; i++) {
            assertThat(accounts.byId(7)).contains(ann);
        }
        assertThat(asked).as("one request waited for the database; the other 99 were served at once").hasValue(2);

        clock.advance(Duration.ofSeconds(6));
        assertThat(accounts.byId(7)).contains(ann);
        assertThat(asked).as("it is asked again a period later").hasValue(3);

        away.set(false);
        clock.advance(Duration.ofSeconds(6));
        assertThat(accounts.byId(7)).contains(ann);
        assertThat(asked).hasValue(4);
    }

    @Test
    void a_stale_copy_is_served_for_at_most_an_hour_after_its_last_read_however_often_the_outage_is_noticed() {
        assertThat(accounts.byId(7)).contains(ann);
        away.set(true);
        for (int minute = 1; minute < 60; minute++) { // each look at the database re-stamps the entry
            clock.advance(Duration.ofMinutes(1));
            assertThat(accounts.byId(7)).contains(ann);
        }
        clock.advance(Duration.ofMinutes(1)); // an hour after the last read
        assertThatThrownBy(() -> accounts.byId(7)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.failure()).isEqualTo(StoreException.Failure.UNAVAILABLE));

        away.set(false); // back: a read starts a new hour
        assertThat(accounts.byId(7)).contains(ann);
        away.set(true);
        clock.advance(Duration.ofMinutes(30));
        assertThat(accounts.byId(7)).contains(ann);
    }
}
