package io.gatehouse.revocation;

import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The database is the truth about revocations. Every few seconds, and whenever the Redis subscription
 * (re)connects, a node reads what was revoked or changed since its last look (with a margin for clock
 * skew between nodes) and applies it locally. This bounds how stale a node can be when a pub/sub
 * message is lost.
 */
public final class RevocationCatchUp {
    private static final Duration MARGIN = Duration.ofSeconds(60);

    private final Jdbc jdbc;
    private final RevocationBus bus;
    private final Clock clock;
    private Instant since;

    public RevocationCatchUp(Jdbc jdbc, RevocationBus bus, Clock clock) {
        this.jdbc = jdbc;
        this.bus = bus;
        this.clock = clock;
        this.since = clock.instant();
    }

    public synchronized void run() {
        Instant now = clock.instant();
        Instant from = since.minus(MARGIN);
        List<Revocation> found = new ArrayList<>();
        found.addAll(jdbc.list("SELECT id FROM api_keys WHERE revoked_at >= ?", rs -> Revocation.apiKey(rs.getLong(1)), from));
        found.addAll(jdbc.list("SELECT id FROM grants WHERE revoked_at >= ?", rs -> Revocation.grant(rs.getLong(1)), from));
        found.addAll(jdbc.list("SELECT jti FROM revoked_access_tokens WHERE revoked_at >= ?",
                rs -> Revocation.accessToken(rs.getString(1)), from));
        found.addAll(jdbc.list("SELECT client_id FROM apps WHERE updated_at >= ?", rs -> Revocation.app(rs.getString(1)), from));
        found.forEach(bus::deliver);
        since = now;
    }
}
