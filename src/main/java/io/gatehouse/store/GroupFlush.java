package io.gatehouse.store;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the embedded database: a caller whose transaction has committed waits here until a
 * flush that began after its commit has written the file; one flush serves every commit made before it
 * started, so N concurrent writers cost one file write, not N. (H2 writes a copy-on-write chunk per flush;
 * flushing each commit alone made the token endpoint wait on the file and grew it by ~40 KB a grant.)
 * See docs/decisions.md, "Embedded database: group commit".
 */
final class GroupFlush {
    /** Writes everything committed so far to the file before returning. */
    @FunctionalInterface
    interface Flusher {
        void flush() throws SQLException;
    }

    private volatile Flusher flusher;
    private final ReentrantLock flushing = new ReentrantLock();
    /** Commits that asked to be made durable, numbered in the order they asked. */
    private final AtomicLong committed = new AtomicLong();
    /** Every commit numbered up to this one is on disk. Written only while holding {@link #flushing}. */
    private volatile long durable;
    private final AtomicLong flushes = new AtomicLong();

    GroupFlush(Flusher flusher) {
        this.flusher = flusher;
    }

    /** Call after a commit has returned: returns once that commit is on disk (or throws if the flush failed). */
    void awaitDurable() throws SQLException {
        long ticket = committed.incrementAndGet();
        flushing.lock();
        try {
            if (durable >= ticket) {
                return; // a flush that started after this commit has already written it
            }
            long upTo = committed.get(); // every commit numbered so far returned before this flush starts
            flusher.flush();
            flushes.incrementAndGet();
            durable = upTo;
        } finally {
            flushing.unlock();
        }
    }

    /** Tests: flush with this instead (e.g. one that fails). */
    void flushWith(Flusher replacement) {
        flusher = replacement;
    }

    /** Commits made durable so far. */
    long commits() {
        return committed.get();
    }

    /** Flushes made so far (one per group of commits). */
    long flushes() {
        return flushes.get();
    }

    /** Callers waiting for a flush to finish (for tests that need to know a group has formed). */
    int waiting() {
        return flushing.getQueueLength();
    }
}
