package io.gatehouse.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * SPEC §11 v2 "Slow clients": a request body may not stall (no byte) for longer than a deadline. Each
 * connection is served by one (virtual) thread; a watchdog interrupts a thread that is past its deadline
 * while it waits for the client, which closes the socket under it. Idle keep-alive connections are closed
 * by the HTTP layer itself ({@code idleConnectionTimeout}). The header deadline ({@code Limits.headers})
 * is not enforced yet: Helidon's receive listener did not give a working hook for it.
 */
public final class ClientDeadlines implements AutoCloseable {
    /** The limits; the defaults are SPEC §11's, tests use short ones. */
    public record Limits(Duration headers, Duration bodyStall, Duration idle, Duration tick) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(1));
    }

    private final Limits limits;
    private final Map<Thread, Long> deadlines = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;

    public ClientDeadlines(Limits limits) {
        this.limits = limits;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-client-deadlines");
            t.setDaemon(true);
            return t;
        });
        long tick = limits.tick().toMillis();
        watchdog.scheduleWithFixedDelay(this::expire, tick, tick, TimeUnit.MILLISECONDS);
    }

    public Limits limits() {
        return limits;
    }

    /** Runs a read of the request body under the stall deadline. */
    <T> T whileReadingBody(IoCall<T> read) throws java.io.IOException {
        Thread me = Thread.currentThread();
        deadlines.put(me, System.nanoTime() + limits.bodyStall().toNanos());
        try {
            return read.call();
        } finally {
            deadlines.remove(me);
            if (Thread.interrupted()) {
                // The watchdog fired as the read ended: the socket is gone, the flag must not linger.
                throw new java.io.InterruptedIOException("request body stalled");
            }
        }
    }

    @FunctionalInterface
    interface IoCall<T> {
        T call() throws java.io.IOException;
    }

    /**
     * Interrupts the threads past their deadline. The interrupt happens inside the map's lock for that
     * thread, so a thread that has just removed its deadline either was interrupted before (and sees
     * the flag) or never is.
     */
    private void expire() {
        long now = System.nanoTime();
        for (Thread thread : deadlines.keySet()) {
            deadlines.computeIfPresent(thread, (t, deadline) -> {
                if (now - deadline > 0) {
                    t.interrupt();
                    return null;
                }
                return deadline;
            });
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
