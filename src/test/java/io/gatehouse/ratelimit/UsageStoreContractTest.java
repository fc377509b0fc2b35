package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** One contract for every UsageStore: in memory, H2 and PostgreSQL. */
@ParameterizedClass
@EnumSource(UsageStoreContractTest.Impl.class)
class UsageStoreContractTest {
    enum Impl { IN_MEMORY, H2, POSTGRES }

    private static final Instant MINUTE = Instant.parse("2026-03-01T10:00:00Z");

    @Parameter
    Impl impl;

    private TestDatabase t;
    private UsageStore store;

    @BeforeEach
    void open() {
        if (impl == Impl.IN_MEMORY) {
            store = new InMemoryUsageStore();
            return;
        }
        t = TestDatabase.open(impl == Impl.H2 ? Backend.H2 : Backend.POSTGRES);
        store = new JdbcUsageStore(t.jdbc);
    }

    @AfterEach
    void close() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void counts_of_one_minute_add_up_and_other_apps_and_older_minutes_stay_apart() {
        store.add(new UsageStore.Row("app-a", MINUTE, 10, 1));
        store.add(new UsageStore.Row("app-a", MINUTE, 5, 2));
        store.add(new UsageStore.Row("app-a", MINUTE.minusSeconds(3600), 7, 0));
        store.add(new UsageStore.Row("app-b", MINUTE, 99, 9));

        assertThat(store.since("app-a", MINUTE.minusSeconds(60))).containsExactly(new UsageStore.Row("app-a", MINUTE, 15, 3));
        assertThat(store.since("app-a", MINUTE.minusSeconds(7200))).hasSize(2);
    }

    @Test
    void nodes_adding_to_a_new_minute_at_once_lose_no_count() {
        List<CompletableFuture<Void>> adds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            adds.add(CompletableFuture.runAsync(() -> store.add(new UsageStore.Row("app-a", MINUTE, 1, 1))));
        }
        adds.forEach(CompletableFuture::join);
        assertThat(store.since("app-a", MINUTE)).containsExactly(new UsageStore.Row("app-a", MINUTE, 8, 8));
    }
}
