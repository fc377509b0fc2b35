package io.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.Audit;
import io.gatehouse.store.Database;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The account cache on the hot path ({@code GET /v1.0/me}): an account in use is reloaded in the background
 * before its 5 s of freshness end, so requests do not read the database; the 5 s bound itself holds; and a
 * reload that read the row before a change on this node never covers that change.
 */
class AccountCacheRefreshTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final AtomicInteger reads = new AtomicInteger();
    private final List<Runnable> reloads = new ArrayList<>();
    private Database db;
    private Accounts accounts;
    /** Another node on the same database. */
    private Accounts other;

    @BeforeEach
    void open() throws Exception {
        db = Database.open("jdbc:h2:file:" + Files.createTempDirectory("gh-acache-").resolve("db")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", null);
        AccountStore real = new JdbcAccountStore(new Jdbc(db));
        AccountStore counted = (AccountStore) Proxy.newProxyInstance(AccountStore.class.getClassLoader(),
                new Class<?>[] {AccountStore.class}, (proxy, m, args) -> {
                    if (m.getName().equals("byId")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        accounts = new Accounts(counted, new PasswordHasher(), new IdGenerator(clock), clock, Audit.inMemory(clock));
        other = new Accounts(real, new PasswordHasher(), new IdGenerator(clock), clock, Audit.inMemory(clock));
        accounts.refreshOn(reloads::add);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Account ann() {
        Account a = other.create(new NewAccount(Fixtures.uniqueEmail(), "first-password", "Ann", "Lee", Role.USER));
        assertThat(accounts.byId(a.id())).isPresent();
        reads.set(0);
        return a;
    }

    private void runReloads() {
        List<Runnable> now = new ArrayList<>(reloads);
        reloads.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void an_account_in_use_is_reloaded_off_the_request_path_and_a_burst_makes_one_reload() {
        Account a = ann();
        clock.advance(Duration.ofMillis(Accounts.REFRESH_MILLIS - 1));
        assertThat(accounts.byId(a.id())).isPresent();
        assertThat(reloads).isEmpty();
        other.change(other.fresh(a.id()).orElseThrow(), Accounts.Change.names("Anna", null));
        clock.advance(Duration.ofMillis(1));
        for (int i = 0; i < 10; i++) { // a burst at 2.5 s: served from the cache, one reload asked for
            assertThat(accounts.byId(a.id()).orElseThrow().firstName()).isEqualTo("Ann");
        }
        assertThat(reads).hasValue(0);
        assertThat(reloads).hasSize(1);
        runReloads();
        assertThat(reads).hasValue(1);
        clock.advance(Duration.ofMillis(5_000 - Accounts.REFRESH_MILLIS)); // the first load's 5 s are over, not the reload's
        assertThat(accounts.byId(a.id()).orElseThrow().firstName()).isEqualTo("Anna");
        assertThat(reads).hasValue(1);
        assertThat(reloads).hasSize(1); // the reloaded entry is itself half way through: its own reload, off the path
    }

    @Test
    void an_entry_past_its_five_seconds_is_loaded_on_the_request_as_before() {
        Account a = ann();
        other.change(other.fresh(a.id()).orElseThrow(), Accounts.Change.names("Anna", null));
        clock.advance(Duration.ofMillis(5_000));
        assertThat(accounts.byId(a.id()).orElseThrow().firstName()).isEqualTo("Anna");
        assertThat(reads).hasValue(1);
        assertThat(reloads).isEmpty();
    }

    @Test
    void a_reload_that_read_before_a_change_on_this_node_does_not_cover_it() {
        Account a = ann();
        clock.advance(Duration.ofMillis(4_500));
        accounts.byId(a.id());
        assertThat(reloads).hasSize(1);
        // The change lands (and evicts) after the reload was asked for; the reload's read is older than the
        // change only in a race, but whatever it read, it must not replace the entry the change left.
        accounts.change(accounts.fresh(a.id()).orElseThrow(), Accounts.Change.names("Anna", null));
        Account cachedAfterChange = accounts.byId(a.id()).orElseThrow();
        assertThat(cachedAfterChange.firstName()).isEqualTo("Anna");
        runReloads();
        assertThat(accounts.byId(a.id()).orElseThrow()).isSameAs(cachedAfterChange);
    }

    @Test
    void a_failed_reload_leaves_the_entry_to_the_five_second_path() {
        Account a = ann();
        clock.advance(Duration.ofMillis(4_500));
        accounts.byId(a.id());
        db.close(); // the database goes away: the reload fails, quietly
        runReloads();
        assertThat(accounts.byId(a.id())).isPresent();
    }
}
