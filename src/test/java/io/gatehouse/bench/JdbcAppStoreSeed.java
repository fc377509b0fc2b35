package io.gatehouse.bench;

import io.gatehouse.app.App;
import io.gatehouse.app.JdbcAppStore;
import io.gatehouse.store.Jdbc;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Puts one app in a benchmark's database. */
final class JdbcAppStoreSeed {
    private final Jdbc jdbc;

    JdbcAppStoreSeed(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    String app(long owner) {
        String clientId = "ghc_bench";
        new JdbcAppStore(jdbc).insert(new App(clientId, owner, "Bench", "", App.ClientType.CONFIDENTIAL, "x",
                List.of("https://a.example.com/cb"), List.of("user.read"), null, App.Mode.DEVELOPMENT, App.ReviewStatus.DRAFT,
                null, null, false, Set.of(), Instant.now(), Instant.now(), 0));
        return clientId;
    }
}
