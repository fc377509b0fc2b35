package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Readiness.Dependency;
import io.gatehouse.admin.Readiness.WhenDown;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** SPEC §9 v2, the rules alone: which dependency states make a node degraded and which not ready. */
class ReadinessRulesTest {
    private final AtomicBoolean database = new AtomicBoolean(false);
    private final AtomicBoolean redis = new AtomicBoolean(true);
    private final AtomicBoolean draining = new AtomicBoolean(false);

    private Readiness readiness(WhenDown redisDown) {
        return new Readiness(List.of(new Dependency("database", database::get, WhenDown.DEGRADES_ONCE_REACHED),
                new Dependency("redis", redis::get, redisDown)), draining::get);
    }

    @Test
    void a_node_is_not_ready_before_the_database_was_first_reached_and_degraded_when_it_goes_later() {
        Readiness r = readiness(WhenDown.DEGRADES);
        assertThat(r.check().status()).isEqualTo(503);
        assertThat(r.check().body()).containsEntry("reason", "database not reached yet");
        database.set(true);
        assertThat(r.check().status()).isEqualTo(200);
        assertThat(r.check().body()).containsEntry("status", "ready");
        database.set(false);
        assertThat(r.check().status()).isEqualTo(200);
        assertThat(r.check().body()).containsEntry("status", "degraded")
                .containsEntry("checks", Map.of("database", "down", "redis", "up"));
    }

    @Test
    void a_dependency_the_node_refuses_without_makes_it_not_ready() {
        database.set(true);
        Readiness r = readiness(WhenDown.REFUSES);
        redis.set(false);
        assertThat(r.check().status()).isEqualTo(503);
        assertThat(r.check().body()).containsEntry("status", "not ready");
        redis.set(true);
        assertThat(r.check().status()).isEqualTo(200);
    }

    @Test
    void draining_is_not_ready_whatever_the_dependencies_say() {
        database.set(true);
        draining.set(true);
        Readiness.Report report = readiness(WhenDown.DEGRADES).check();
        assertThat(report.status()).isEqualTo(503);
        assertThat(report.body()).containsEntry("reason", "draining").containsEntry("status", "not ready");
    }
}
