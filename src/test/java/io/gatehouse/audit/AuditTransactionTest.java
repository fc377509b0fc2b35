package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.store.Database;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The audit store's contract and the one-transaction rule, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class AuditTransactionTest {
    @Parameter
    Backend backend;

    private Database db;
    private String pgUrl;
    private Jdbc jdbc;
    private Audit audit;
    private JdbcAccountStore accounts;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private IdGenerator ids;

    @BeforeEach
    void open() {
        if (backend == Backend.POSTGRES) {
            pgUrl = TestDatabases.create();
            db = Database.open(pgUrl, null, null, null);
        } else {
            // in memory: the pool holds it open until closed
            db = Database.open("jdbc:h2:mem:audit-" + java.util.UUID.randomUUID()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "", null);
        }
        jdbc = new Jdbc(db);
        ids = new IdGenerator(clock);
        audit = new Audit(new JdbcAuditStore(jdbc), jdbc, ids, clock);
        accounts = new JdbcAccountStore(jdbc);
    }

    @AfterEach
    void close() {
        db.close();
        if (pgUrl != null) {
            TestDatabases.drop(pgUrl);
        }
    }

    private Account account(String email) {
        return new Account(ids.next(), email, "Ann", "Lee", Role.USER, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    private List<AuditEvent> all() {
        return audit.find(new AuditQuery(null, null, null, null, null, null, null, 100));
    }

    @Test
    void a_change_and_its_event_commit_together() {
        Account a = account("ann@example.com");
        audit.inTransactionRun(() -> {
            accounts.insert(a, "h");
            audit.record(Audit.event(AuditType.ACCOUNT_CREATED).account(a.id()).detail("email", a.email()));
        });
        assertThat(accounts.byId(a.id())).isPresent();
        List<AuditEvent> events = all();
        assertThat(events).hasSize(1);
        AuditEvent e = events.get(0);
        assertThat(e.type()).isEqualTo("account.created");
        assertThat(e.accountId()).isEqualTo(a.id());
        assertThat(e.actor()).isEqualTo(AuditContext.SYSTEM);
        assertThat(e.time()).isEqualTo(clock.instant());
        assertThat(e.details()).isEqualTo(Map.of("email", "ann@example.com"));
    }

    @Test
    void a_change_whose_transaction_fails_leaves_no_event() {
        Account a = account("bo@example.com");
        assertThatThrownBy(() -> audit.inTransactionRun(() -> {
            accounts.insert(a, "h");
            audit.record(Audit.event(AuditType.ACCOUNT_CREATED).account(a.id()));
            throw new IllegalStateException("the change failed after its event was written");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(accounts.byId(a.id())).isEmpty();
        assertThat(all()).isEmpty();
    }

    @Test
    void an_event_that_cannot_be_written_undoes_its_change() {
        Account a = account("cy@example.com");
        JdbcAuditStore store = new JdbcAuditStore(jdbc);
        AuditEvent clash = new AuditEvent(42, clock.instant(), "account.created", null, null, null, null, null, Map.of());
        store.insert(clash);
        assertThatThrownBy(() -> audit.inTransactionRun(() -> {
            accounts.insert(a, "h");
            store.insert(clash); // the audit write fails (same id)
        })).isInstanceOf(DuplicateException.class);
        assertThat(accounts.byId(a.id())).as("no change without its event").isEmpty();
        assertThat(all()).hasSize(1);
    }

    @Test
    void a_nested_transaction_joins_the_outer_one() {
        Account a = account("di@example.com");
        assertThatThrownBy(() -> audit.inTransactionRun(() -> {
            jdbc.inTransaction(c -> { // a store's own transaction, e.g. JdbcAppStore.update
                accounts.insert(a, "h");
                return null;
            });
            audit.record(Audit.event(AuditType.ACCOUNT_CREATED).account(a.id()));
            throw new IllegalStateException("the outer work failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(accounts.byId(a.id())).isEmpty();
        assertThat(all()).isEmpty();
    }

    @Test
    void the_request_context_names_actor_address_and_request() {
        AuditContext.with(new AuditContext.Request("203.0.113.9", "req-1", () -> "77"), () ->
                audit.record(Audit.event(AuditType.KEY_CREATED).account(77L).detail("key_id", 5)));
        AuditEvent e = all().get(0);
        assertThat(e.actor()).isEqualTo("77");
        assertThat(e.ip()).isEqualTo("203.0.113.9");
        assertThat(e.requestId()).isEqualTo("req-1");
        assertThat(e.details()).containsEntry("key_id", 5);
    }

    @Test
    void events_are_found_newest_first_by_every_filter_and_paged_by_id() {
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            audit.record(Audit.event(i % 2 == 0 ? AuditType.APP_CREATED : AuditType.APP_CHANGED)
                    .account(i < 3 ? 1L : 2L).client("ghc_" + i).actor(i < 3 ? "1" : AuditContext.ADMIN));
        }
        List<AuditEvent> all = all();
        assertThat(all).extracting(AuditEvent::clientId).containsExactly("ghc_4", "ghc_3", "ghc_2", "ghc_1", "ghc_0");
        assertThat(audit.find(new AuditQuery(null, 1L, null, null, null, null, null, 10))).hasSize(3);
        assertThat(audit.find(new AuditQuery(AuditContext.ADMIN, null, null, null, null, null, null, 10))).hasSize(2);
        assertThat(audit.find(new AuditQuery(null, null, "ghc_2", null, null, null, null, 10))).hasSize(1);
        assertThat(audit.find(new AuditQuery(null, null, null, "app.changed", null, null, null, 10))).hasSize(2);
        Instant third = all.get(2).time();
        assertThat(audit.find(new AuditQuery(null, null, null, null, third, null, null, 10))).hasSize(3);
        assertThat(audit.find(new AuditQuery(null, null, null, null, null, third, null, 10))).hasSize(2);
        assertThat(audit.find(new AuditQuery(null, null, null, null, null, null, all.get(1).id(), 2)))
                .extracting(AuditEvent::clientId).containsExactly("ghc_2", "ghc_1");
    }

    @Test
    void a_value_that_looks_like_a_credential_is_blotted_out() {
        String secret = "ghs_" + "A".repeat(40);
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        audit.record(Audit.event(AuditType.APP_DECLINED).detail("note", "leaked " + secret + " and " + jwt)
                .detail("names", List.of(secret)));
        AuditEvent e = all().get(0);
        assertThat(e.details().toString()).doesNotContain(secret).doesNotContain(jwt).contains("[redacted]");
    }
}
