package io.gatehouse.revocation;

import io.gatehouse.core.Jobs;
import io.gatehouse.redis.Redis;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;

/**
 * How revocations reach every node: in-process on one node; over Redis pub/sub with a database
 * catch-up when several nodes may share the database.
 */
public final class RevocationModule {
    public final RevocationBus bus;
    private final RevocationCatchUp catchUp;
    private final boolean shared;

    /**
     * @param redis  the shared Redis, or null
     * @param shared whether other nodes may revoke things in this database (PostgreSQL or Redis configured)
     */
    public RevocationModule(Jdbc jdbc, Clock clock, Redis redis, boolean shared) {
        this.bus = redis == null ? new RevocationBus() : new RedisRevocationBus(redis);
        this.catchUp = new RevocationCatchUp(jdbc, bus, clock);
        this.shared = shared;
    }

    public void schedule(Jobs jobs) {
        if (shared) {
            // Other nodes may revoke things: catch up from the database (the truth) every few seconds.
            jobs.every(Duration.ofSeconds(5), "catch up on revocations", catchUp::run);
        }
        if (bus instanceof RedisRevocationBus redisBus) {
            redisBus.start(catchUp::run);
        }
        jobs.atStop(bus::close);
    }
}
