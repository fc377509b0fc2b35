package io.gatehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.Audit;
import io.gatehouse.store.StoreException;
import io.gatehouse.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A node whose database link is cut serves a known app from its cache, but for at most an hour after it last
 * read it: noticing the outage again (which re-stamps the entry) does not extend that.
 */
class AppCacheWhileDatabaseAwayTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final AtomicBoolean away = new AtomicBoolean();
    private final App crm = new App("gthc_app", 7, "CRM", "", App.ClientType.CONFIDENTIAL, "x",
            List.of("https://a.example.com/cb"), List.of("leads.read"), null, App.Mode.DEVELOPMENT,
            App.ReviewStatus.DRAFT, null, null, false, Set.of(), Instant.EPOCH, Instant.EPOCH, 0);

    /** The only call these tests make is byClientId: answered, or refused as unreachable while {@link #away}. */
    private final AppStore store = (AppStore) Proxy.newProxyInstance(AppStore.class.getClassLoader(),
            new Class<?>[] {AppStore.class}, (proxy, method, args) -> {
                if (!method.getName().equals("byClientId")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                if (away.get()) {
                    throw new StoreException(StoreException.Failure.UNAVAILABLE,
                            new SQLTransientConnectionException("Connection is not available", "08001"));
                }
                return Optional.of(crm);
            });

    private final Apps apps = new Apps(store, new PermissionCatalog(), clock, null, Audit.inMemory(clock));

    @Test
    void a_stale_app_is_served_for_at_most_an_hour_after_its_last_read_however_often_the_outage_is_noticed() {
        assertThat(apps.get("gthc_app")).contains(crm);
        away.set(true);
        for (int minute = 1; minute < 60; minute++) { // each look at the database re-stamps the entry
            clock.advance(Duration.ofMinutes(1));
            assertThat(apps.get("gthc_app")).contains(crm);
        }
        clock.advance(Duration.ofMinutes(1)); // an hour after the last read
        assertThatThrownBy(() -> apps.get("gthc_app")).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.failure()).isEqualTo(StoreException.Failure.UNAVAILABLE));

        away.set(false); // back: a read starts a new hour
        assertThat(apps.get("gthc_app")).contains(crm);
        away.set(true);
        clock.advance(Duration.ofMinutes(30));
        assertThat(apps.get("gthc_app")).contains(crm);
    }
}
