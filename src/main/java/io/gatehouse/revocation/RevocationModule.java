package io.gatehouse.revocation;

import io.gatehouse.core.Jobs;
import io.gatehouse.redis.Redis;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;

/**
 * How revocations are made and reach every node: {@link Revocations} writes each in one transaction
 * with its log entry and publishes it; in-process on one node, over Redis pub/sub with a catch-up from
 * the log when several nodes may share the database.
 */
public final class RevocationModule {
    public final RevocationBus bus;
    public final Revocations revocations;
    private final RevocationCatchUp catchUp;
    private final boolean shared;

    /**
     * @param redis  the shared Redis, or null
     * @param shared whether other nodes may revoke things in this database (PostgreSQL or Redis configured)
     */
    public RevocationModule(Jdbc jdbc, Clock clock, Redis redis, boolean shared) {
        this.bus = redis == null ? new RevocationBus() : new RedisRevocationBus(redis);
        RevocationLog log = new JdbcRevocationLog(jdbc);
        this.revocations = new Revocations(jdbc, log, bus, clock);
        this.catchUp = new RevocationCatchUp(log, bus, clock);
        this.shared = shared;
    }

    public void schedule(Jobs jobs) {
        if (shared) {
            // Other nodes may revoke things: catch up from the log (the truth) every few seconds.
            jobs.every(Duration.ofSeconds(5), "catch up on revocations", catchUp::run);
        }
        if (bus instanceof RedisRevocationBus redisBus) {
            redisBus.start(catchUp::run);
        }
        jobs.atStop(bus::close);
    }
}
