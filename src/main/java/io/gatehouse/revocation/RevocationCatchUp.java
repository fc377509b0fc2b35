package io.gatehouse.revocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The database is the truth about revocations. Every few seconds, and whenever the Redis subscription
 * (re)connects, a node reads the revocation log since its last look (with a margin for clock skew
 * between nodes and for transactions that committed late) and applies it locally. This bounds how
 * stale a node can be when a pub/sub message is lost.
 */
public final class RevocationCatchUp {
    private static final Duration MARGIN = Duration.ofSeconds(60);

    private final RevocationLog log;
    private final RevocationBus bus;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private Instant since;

    public RevocationCatchUp(RevocationLog log, RevocationBus bus, Clock clock) {
        this.log = log;
        this.bus = bus;
        this.clock = clock;
        this.since = clock.instant();
    }

    public void run() {
        lock.lock();
        try {
            Instant now = clock.instant();
            log.since(since.minus(MARGIN)).forEach(bus::deliver);
            since = now;
        } finally {
            lock.unlock();
        }
    }
}
