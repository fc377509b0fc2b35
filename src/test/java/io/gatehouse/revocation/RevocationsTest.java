package io.gatehouse.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one way to revoke: one transaction with its log, consequences inside it, the publish after the commit. */
class RevocationsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestDatabase t;
    private Revocations revocations;
    private final List<Revocation> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        t = TestDatabase.open(Backend.H2);
        revocations = Revocations.onOneNode(t.jdbc, clock);
        revocations.subscribe(r -> {
            // A subscriber sees the revocation only once it is committed: its log row is readable from another connection.
            assertThat(new JdbcRevocationLog(t.jdbc).since(Instant.EPOCH)).contains(r);
            published.add(r);
        });
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void consequences_run_in_the_same_transaction_and_everything_is_logged_once_then_published() {
        revocations.cascade(Revocation.Kind.API_KEY, (key, ended) -> {
            ended.add(Revocation.grant(1));
            ended.add(Revocation.grant(2));
        });
        revocations.run(ended -> {
            ended.add(Revocation.apiKey(7));
            ended.add(Revocation.grant(1)); // also ended by the cascade: logged and published once
            return null;
        });
        assertThat(published).containsExactly(Revocation.apiKey(7), Revocation.grant(1), Revocation.grant(2));
        assertThat(t.count("revocation_log")).isEqualTo(3);
    }

    @Test
    void a_failure_in_a_consequence_logs_and_publishes_nothing() {
        revocations.cascade(Revocation.Kind.API_KEY, (key, ended) -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> revocations.run(ended -> {
            ended.add(Revocation.apiKey(7));
            return null;
        })).hasMessage("boom");
        assertThat(published).isEmpty();
        assertThat(t.count("revocation_log")).isZero();
    }

    @Test
    void a_revocation_cannot_join_another_transaction_whose_commit_it_would_precede() {
        assertThatThrownBy(() -> t.jdbc.inTransaction(() -> revocations.run(ended -> null)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void the_catch_up_delivers_what_was_logged_since_its_last_look_with_a_margin() {
        RevocationBus bus = new RevocationBus();
        List<Revocation> caught = new CopyOnWriteArrayList<>();
        bus.subscribe(caught::add);
        RevocationCatchUp catchUp = new RevocationCatchUp(new JdbcRevocationLog(t.jdbc), bus, clock);
        revocations.announce(Revocation.app("gthc_a"));
        clock.advance(Duration.ofSeconds(5));
        catchUp.run();
        assertThat(caught).containsExactly(Revocation.app("gthc_a"));
        clock.advance(Duration.ofMinutes(5));
        caught.clear();
        catchUp.run(); // still within the margin before the last look: delivered again, which changes nothing
        assertThat(caught).containsExactly(Revocation.app("gthc_a"));
        caught.clear();
        catchUp.run();
        assertThat(caught).isEmpty();
    }
}
