package io.gatehouse.ratelimit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts each app's requests and 429s per minute (SPEC §8: the traffic chart). Counting is two atomic
 * increments in memory; every few seconds the counts are added to the database, where every node's
 * counts sum up.
 */
public final class UsageRecorder {
    private final UsageStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Row> finished = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.locks.ReentrantLock flushing = new java.util.concurrent.locks.ReentrantLock();

    private record Row(String clientId, long minute, long requests, long rejected) {
    }

    private static final class Counter {
        volatile long minute;
        final LongAdder requests = new LongAdder();
        final LongAdder rejected = new LongAdder();
    }

    /** One minute of an app's traffic. */
    public record Minute(Instant minute, long requests, long rejected) {
    }

    public UsageRecorder(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void record(String clientId, boolean admitted) {
        long minute = clock.millis() / 60_000;
        Counter c = counters.computeIfAbsent(clientId, k -> new Counter());
        if (c.minute != minute) {
            synchronized (c) {
                if (c.minute != minute) {
                    long r = c.requests.sumThenReset();
                    long x = c.rejected.sumThenReset();
                    if (r > 0) {
                        finished.add(new Row(clientId, c.minute, r, x));
                    }
                    c.minute = minute;
                }
            }
        }
        c.requests.increment();
        if (!admitted) {
            c.rejected.increment();
        }
    }

    /**
     * Adds every count made so far to the database. One flush at a time, under a lock rather than
     * {@code synchronized}: a request thread (the usage chart) flushes too, and a virtual thread must not
     * pin its carrier while it waits on the database.
     */
    public void flush() {
        flushing.lock();
        try {
            flushLocked();
        } finally {
            flushing.unlock();
        }
    }

    private void flushLocked() {
        List<Row> rows = new ArrayList<>();
        for (Row r; (r = finished.poll()) != null; ) {
            rows.add(r);
        }
        counters.forEach((clientId, c) -> {
            synchronized (c) {
                long r = c.requests.sumThenReset();
                long x = c.rejected.sumThenReset();
                if (r > 0) {
                    rows.add(new Row(clientId, c.minute, r, x));
                }
            }
        });
        for (int i = 0; i < rows.size(); i++) {
            try {
                add(rows.get(i));
            } catch (RuntimeException e) {
                finished.addAll(rows.subList(i, rows.size())); // keep the counts for the next flush
                throw e;
            }
        }
    }

    private void add(Row r) {
        store.add(new UsageStore.Row(r.clientId, Instant.ofEpochSecond(r.minute * 60), r.requests, r.rejected));
    }

    /** The last 60 minutes of an app's traffic, oldest first, one entry per minute (zeros included). */
    public List<Minute> lastHour(String clientId) {
        flush();
        long now = clock.millis() / 60_000;
        Map<Long, long[]> byMinute = new LinkedHashMap<>();
        for (long m = now - 59; m <= now; m++) {
            byMinute.put(m, new long[2]);
        }
        for (UsageStore.Row r : store.since(clientId, Instant.ofEpochSecond((now - 59) * 60))) {
            long[] slot = byMinute.get(r.minute().getEpochSecond() / 60);
            if (slot != null) {
                slot[0] += r.requests();
                slot[1] += r.rejected();
            }
        }
        List<Minute> out = new ArrayList<>(60);
        byMinute.forEach((m, v) -> out.add(new Minute(Instant.ofEpochSecond(m * 60), v[0], v[1])));
        return out;
    }
}
