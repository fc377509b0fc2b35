package io.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.store.Database;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.Jdbc;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** One contract for every AccountStore, run on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class AccountStoreContractTest {
    private static final AtomicLong IDS = new AtomicLong(1000);

    @Parameter
    Backend backend;

    private Database db;
    private String pgUrl;
    private AccountStore store;

    @BeforeEach
    void open() throws Exception {
        if (backend == Backend.POSTGRES) {
            pgUrl = TestDatabases.create();
            db = Database.open(pgUrl, null, null, null);
        } else {
            Path dir = Files.createTempDirectory("gh-store-");
            db = Database.open("jdbc:h2:file:" + dir.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", null);
        }
        store = new JdbcAccountStore(new Jdbc(db));
    }

    @AfterEach
    void close() {
        db.close();
        if (pgUrl != null) {
            TestDatabases.drop(pgUrl);
        }
    }

    private static Account account(String email) {
        return new Account(IDS.incrementAndGet(), email, "Ann", "Lee", Role.USER, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void a_stored_account_is_found_by_id_and_by_email_in_any_letter_case() {
        Account a = account("Ann.Lee@Example.com");
        store.insert(a, "$argon2id$hash");
        assertThat(store.byId(a.id())).contains(a);
        assertThat(store.byEmail("ann.lee@example.COM")).contains(a);
        assertThat(store.loginByEmail("ANN.LEE@example.com").orElseThrow().passwordHash()).isEqualTo("$argon2id$hash");
    }

    @Test
    void an_email_taken_in_another_letter_case_is_refused() {
        store.insert(account("bo@example.com"), "h");
        assertThatThrownBy(() -> store.insert(account("BO@example.com"), "h")).isInstanceOf(DuplicateException.class);
    }

    @Test
    void missing_accounts_are_empty_not_errors() {
        assertThat(store.byId(424242)).isEmpty();
        assertThat(store.byEmail("nobody@example.com")).isEmpty();
    }

    @Test
    void listing_pages_through_accounts_in_id_order() {
        Account a = account("a@example.com");
        Account b = account("b@example.com");
        Account c = account("c@example.com");
        store.insert(a, "h");
        store.insert(b, "h");
        store.insert(c, "h");
        assertThat(store.list(2, 0)).containsExactly(a, b);
        assertThat(store.list(2, 2)).containsExactly(c);
    }
}
