package io.gatehouse.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.app.App;
import io.gatehouse.app.JdbcAppStore;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.audit.AuditType;
import io.gatehouse.oauth.Grant;
import io.gatehouse.oauth.GrantStore;
import io.gatehouse.oauth.JdbcGrantStore;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16, acceptance 3 in small: tokens issued and rotated many times, some revoked, with a retention of
 * one minute on a test clock; after one run of the job the grant and token tables hold only live rows.
 * On both databases.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RetentionJobTest {
    private static final int GRANTS = 500;
    private static final int ROTATIONS = 4; // 2,000 rotations: more used tokens than one batch deletes
    private static final String APP = "gthc_retention";

    @Parameter
    Backend backend;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestDatabase t;
    private IdGenerator ids;
    private JdbcGrantStore grants;
    private Audit audit;
    private long account;

    @BeforeEach
    void open() {
        t = TestDatabase.open(backend);
        ids = new IdGenerator(clock);
        grants = new JdbcGrantStore(t.jdbc);
        audit = new AuditModule(t.jdbc, ids, clock).audit;
        account = ids.next();
        new JdbcAccountStore(t.jdbc).insert(new Account(account, "ann@example.com", "Ann", "Lee", Role.USER, clock.instant()), "h");
        new JdbcAppStore(t.jdbc).insert(new App(APP, account, "CRM", "", App.ClientType.CONFIDENTIAL, "x",
                List.of("https://a.example.com/cb"), List.of("leads.read"), null, App.Mode.DEVELOPMENT, App.ReviewStatus.DRAFT,
                null, null, false, Set.of(), clock.instant(), clock.instant(), 0), 20);
    }

    @AfterEach
    void close() {
        t.close();
    }

    private RetentionJob job(Duration finished) {
        return new RetentionJob(t.jdbc, clock, new RetentionJob.Periods(finished, Duration.ofDays(90), Duration.ofDays(365)));
    }

    @Test
    void after_many_rotations_and_a_run_only_live_grants_and_tokens_are_left() {
        int live = seed();
        long auditBefore = t.count("audit_events");
        clock.advance(Duration.ofHours(2)); // past the one-minute retention and the access tokens' hour

        Map<String, Long> deleted = job(Duration.ofMinutes(1)).run();

        assertThat(t.count("grants")).isEqualTo(live);
        assertThat(t.count("refresh_tokens")).isEqualTo(live);
        assertThat(t.jdbc.count("SELECT COUNT(*) FROM refresh_tokens WHERE used_at IS NULL AND expires_at > ?", clock.instant()))
                .isEqualTo(live);
        assertThat(t.count("grants WHERE revoked_at IS NOT NULL")).isZero();
        assertThat(t.count("auth_codes")).isZero();
        assertThat(t.count("revoked_access_tokens")).isZero();
        assertThat(t.count("revocation_log")).isZero();
        assertThat(t.count("sessions")).isOne(); // the live one
        assertThat(deleted.get("refresh_tokens used")).isEqualTo((long) GRANTS * ROTATIONS);
        // Usage and audit events have their own, longer retention.
        assertThat(t.count("app_usage")).isEqualTo(2);
        assertThat(t.count("audit_events")).isEqualTo(auditBefore);

        // A second run finds nothing to do: deletes are idempotent.
        assertThat(job(Duration.ofMinutes(1)).run()).isEmpty();
    }

    @Test
    void usage_and_audit_events_go_after_their_own_retention() {
        audit.record(Audit.event(AuditType.LOGIN_FAILED).detail("email", "old@example.com"));
        usage(clock.instant().minus(Duration.ofDays(91)));
        usage(clock.instant().minus(Duration.ofDays(1)));
        clock.advance(Duration.ofDays(366));
        audit.record(Audit.event(AuditType.LOGIN_FAILED).detail("email", "new@example.com"));
        usage(clock.instant().minus(Duration.ofDays(1)));

        Map<String, Long> deleted = job(Duration.ofDays(30)).run();

        assertThat(deleted).containsEntry("audit_events", 1L).containsEntry("app_usage", 2L);
        assertThat(t.count("audit_events")).isOne();
        assertThat(t.count("app_usage")).isOne();
    }

    @Test
    void nodes_running_the_job_at_once_delete_each_row_once_and_all_finish() {
        int live = seed();
        clock.advance(Duration.ofHours(2));
        List<CompletableFuture<Map<String, Long>>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RetentionJob node = job(Duration.ofMinutes(1));
            runs.add(CompletableFuture.supplyAsync(node::run));
        }
        runs.forEach(CompletableFuture::join);
        // Whatever a node left to another (PostgreSQL's lock), one more run finishes it.
        job(Duration.ofMinutes(1)).run();

        assertThat(t.count("grants")).isEqualTo(live);
        assertThat(t.count("refresh_tokens")).isEqualTo(live);
    }

    /** Grants issued and rotated; a fifth revoked, a tenth left with a refresh token that expired. Returns the live grants. */
    private int seed() {
        Revocations revocations = Revocations.onOneNode(t.jdbc, clock);
        int live = 0;
        for (int i = 0; i < GRANTS; i++) {
            long id = ids.next();
            boolean shortLived = i % 10 == 1;
            Duration ttl = shortLived ? Duration.ofSeconds(30) : Duration.ofDays(30);
            String refresh = "r-" + id + "-0";
            grants.createGrant(new Grant(id, APP, account, "client_credentials", List.of("leads.read"), null, clock.instant(), null),
                    refresh, clock.instant().plus(ttl));
            for (int r = 1; r <= ROTATIONS; r++) {
                String next = "r-" + id + "-" + r;
                assertThat(grants.rotateRefresh(APP, refresh, next, clock.instant(), g -> clock.instant().plus(ttl)).outcome())
                        .isEqualTo(GrantStore.RefreshOutcome.ROTATED);
                refresh = next;
            }
            if (i % 5 == 0) {
                revocations.run(ended -> {
                    grants.revokeGrant(id, clock.instant());
                    ended.add(Revocation.grant(id));
                    return null;
                });
            } else if (!shortLived) {
                live++;
            }
            if (i % 50 == 0) {
                grants.revokeAccessToken("jti-" + id, clock.instant().plus(Duration.ofHours(1)), clock.instant());
                grants.saveCode(new GrantStore.Code("code-" + id, APP, account, "https://a.example.com/cb", List.of("leads.read"),
                        null, clock.instant(), clock.instant().plus(Duration.ofMinutes(10))));
            }
        }
        t.jdbc.update("INSERT INTO sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                "expired", account, clock.instant(), clock.instant().plus(Duration.ofMinutes(30)));
        t.jdbc.update("INSERT INTO sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                "live", account, clock.instant(), clock.instant().plus(Duration.ofDays(7)));
        usage(clock.instant());
        usage(clock.instant().minus(Duration.ofMinutes(1)));
        return live;
    }

    private void usage(Instant minute) {
        t.jdbc.update("INSERT INTO app_usage (client_id, minute_start, requests, rejected) VALUES (?, ?, 1, 0)",
                APP, minute.truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
    }
}
