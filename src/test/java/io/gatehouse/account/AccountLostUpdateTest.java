package io.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.audit.Audit;
import io.gatehouse.core.DomainException;
import io.gatehouse.store.Database;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestDatabases;
import io.gatehouse.testing.TestServer;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No change of an account is lost to another made at the same time: a change is written only onto the
 * version it was checked against and otherwise applied again to the fresh row; a change of names never
 * writes the password hash. On both databases, on two threads, and on two nodes of one PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class AccountLostUpdateTest {
    private static final int ROUNDS = 10;
    private static final Clock CLOCK = Clock.systemUTC();

    @Parameter
    Backend backend;

    private String pgUrl;
    private Database db;
    private AccountStore store;
    private Accounts accounts;

    @BeforeEach
    void open() throws Exception {
        pgUrl = backend == Backend.POSTGRES ? TestDatabases.create() : null;
        db = pgUrl != null ? Database.open(pgUrl, null, null, null)
                : Database.open("jdbc:h2:file:" + Files.createTempDirectory("gh-lost-").resolve("db")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", null);
        store = new JdbcAccountStore(new Jdbc(db));
        accounts = new Accounts(store, new PasswordHasher(), new IdGenerator(CLOCK), CLOCK, Audit.inMemory(CLOCK));
    }

    @AfterEach
    void close() {
        db.close();
        if (pgUrl != null) {
            TestDatabases.drop(pgUrl);
        }
    }

    private Account ann() {
        return accounts.create(new NewAccount(Fixtures.uniqueEmail(), "first-password", "Ann", "Lee", Role.USER));
    }

    @Test
    void a_name_change_from_a_copy_read_before_a_password_change_keeps_the_new_password_and_the_new_name() {
        Account stale = ann();
        accounts.changePassword(stale, "first-password", "second-password", null);
        Account changed = accounts.change(stale, Accounts.Change.names("Anna", null));

        assertThat(accounts.login(stale.email(), "second-password")).as("the new password is in force").isPresent();
        assertThat(accounts.login(stale.email(), "first-password")).isEmpty();
        Account stored = store.byId(stale.id()).orElseThrow();
        assertThat(stored.firstName()).isEqualTo("Anna");
        assertThat(stored.version()).isEqualTo(stale.version() + 2).isEqualTo(changed.version());
    }

    @Test
    void two_changes_made_from_the_same_copy_both_stay() {
        Account stale = ann();
        accounts.change(stale, new Accounts.Change("Anna", null, null, null, null));
        accounts.change(stale, new Accounts.Change(null, "Lindqvist", null, Role.ADMIN, null));
        Account stored = store.byId(stale.id()).orElseThrow();
        assertThat(stored.firstName()).isEqualTo("Anna");
        assertThat(stored.lastName()).isEqualTo("Lindqvist");
        assertThat(stored.role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void a_change_that_keeps_losing_the_race_is_refused_with_409_and_writes_nothing() {
        Account a = ann();
        // A store where someone else always got in first.
        AccountStore alwaysLate = (AccountStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AccountStore.class}, (proxy, method, args) -> method.getName().equals("update")
                        ? Boolean.FALSE : method.invoke(store, args));
        Accounts late = new Accounts(alwaysLate, new PasswordHasher(), new IdGenerator(CLOCK), CLOCK, Audit.inMemory(CLOCK));
        Throwable t = catchThrowable(() -> late.change(a, Accounts.Change.names("Anna", null)));
        assertThat(t).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.kind()).isEqualTo(DomainException.Kind.CONFLICT));
        assertThat(store.byId(a.id()).orElseThrow().firstName()).isEqualTo("Ann");
    }

    @Test
    void a_password_change_racing_a_name_change_on_two_threads_loses_neither() throws Exception {
        Account a = ann();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            String password = "first-password";
            for (int round = 0; round < ROUNDS; round++) {
                Account cached = accounts.fresh(a.id()).orElseThrow();
                CyclicBarrier together = new CyclicBarrier(2);
                String current = password;
                String next = "password-" + round;
                String name = "Ann" + round;
                Future<?> pw = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    accounts.changePassword(cached, current, next, null);
                    return null;
                });
                Future<?> names = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return accounts.change(cached, Accounts.Change.names(name, null));
                });
                pw.get(60, TimeUnit.SECONDS);
                names.get(60, TimeUnit.SECONDS);
                password = next;
                assertThat(accounts.login(a.email(), next)).as("round %d", round).isPresent();
                assertThat(store.byId(a.id()).orElseThrow().firstName()).as("round %d", round).isEqualTo(name);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void two_admin_patches_racing_on_two_threads_both_stay() throws Exception {
        TestServer s = TestServer.shared(backend);
        race(s.admin, s.admin);
    }

    @Test
    void two_admin_patches_racing_on_two_nodes_both_stay() throws Exception {
        assumeTrue(backend == Backend.POSTGRES, "two nodes share a PostgreSQL database");
        String url = TestDatabases.create();
        Map<String, String> settings = Map.of("GATEHOUSE_DB_URL", url,
                "GATEHOUSE_MASTER_KEY", "lost-update-test-master-key-0123456789abcdef");
        try (TestServer one = TestServer.node(settings); TestServer two = TestServer.node(settings)) {
            race(one.admin, two.admin);
        } finally {
            TestDatabases.drop(url);
        }
    }

    /** One admin changes the first name through {@code one} while another changes the last name through {@code two}. */
    private static void race(TestClient one, TestClient two) throws Exception {
        Fixtures.Account acct = Fixtures.account(one);
        String path = "/admin/v1/accounts/" + acct.id();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                String first = "First" + round;
                String last = "Last" + round;
                Future<Resp> a = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return one.patch(path, Map.of("firstName", first));
                });
                Future<Resp> b = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return two.patch(path, Map.of("lastName", last));
                });
                assertThat(a.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
                assertThat(b.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
                Resp stored = one.get(path);
                assertThat(stored.json().get("firstName").asText()).as("round %d", round).isEqualTo(first);
                assertThat(stored.json().get("lastName").asText()).as("round %d", round).isEqualTo(last);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
