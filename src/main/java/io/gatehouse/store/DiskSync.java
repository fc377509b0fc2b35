package io.gatehouse.store;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * The embedded database's once-a-second CHECKPOINT SYNC (it forces the file to the device, so a power loss
 * costs at most the last second), and what operators see when it keeps failing: {@code /readyz} says
 * {@code "disk": "down"} (degraded: the node serves on, but a power loss may cost more than a second),
 * {@code gatehouse_db_sync_failing} is 1 and {@code gatehouse_db_sync_failures_total} counts the attempts.
 * The log gets one WARN with the trace when it starts failing, one WARN per {@link #LOG_EVERY} failures in
 * a row after that (one a minute), and one INFO when it works again; not a trace a second.
 */
final class DiskSync {
    /** Failures in a row between two "still failing" lines (attempts are a second apart: a minute). */
    static final int LOG_EVERY = 60;

    private volatile GroupFlush.Flusher sync;
    private final Logger log;
    private final AtomicLong failures = new AtomicLong();
    private volatile long failingInARow;

    DiskSync(GroupFlush.Flusher sync, Logger log) {
        this.sync = sync;
        this.log = log;
    }

    /** One attempt (the sync thread's, once a second; a test's); never throws. A platform thread: no pinning. */
    synchronized void run() {
        try {
            sync.flush();
        } catch (Throwable e) {
            failures.incrementAndGet();
            long inARow = ++failingInARow;
            if (inARow == 1) {
                log.warn("Embedded database: forcing the file to disk failed; trying again every second"
                        + " (/readyz says \"disk\": \"down\" until it works)", e);
            } else if (inARow % LOG_EVERY == 0) {
                log.warn("Embedded database: forcing the file to disk still fails, {} times in a row: {}", inARow, e.toString());
            }
            return;
        }
        long was = failingInARow;
        if (was > 0) {
            failingInARow = 0;
            log.info("Embedded database: forcing the file to disk works again, after {} failed attempts in a row", was);
        }
    }

    /** Tests: sync with this instead (e.g. one that fails). */
    void syncWith(GroupFlush.Flusher replacement) {
        sync = replacement;
    }

    /** True while the latest attempt failed. */
    boolean failing() {
        return failingInARow > 0;
    }

    /** Failed attempts since start. */
    long failures() {
        return failures.get();
    }
}
