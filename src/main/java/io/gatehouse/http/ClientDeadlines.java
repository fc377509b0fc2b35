package io.gatehouse.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * SPEC §11 v2 "Slow clients": the request headers must be complete within a deadline once the request
 * line began, and a request body may not stall (no byte) for longer than another. Each connection is
 * served by one (virtual) thread; a watchdog interrupts a thread that is past its deadline while it waits
 * for the client, which closes the socket under it. The header deadline starts at a request's first byte
 * ({@link #http1}) and is cleared by {@link #headerDeadline()}, a listener on Helidon's HTTP/1 receive path,
 * once the headers are complete. Idle keep-alive connections are closed by the HTTP layer itself
 * ({@code idleConnectionTimeout}).
 *
 * <p>Each connection thread has one {@link Watch}, made the first time it needs a deadline and dropped by the
 * watchdog once the thread has ended: a request arms and disarms the watch of its thread, which allocates
 * nothing and touches no shared map (a map entry per request cost ~3% of a small request's CPU).
 */
public final class ClientDeadlines implements AutoCloseable {
    /** The limits; the defaults are SPEC §11's, tests use short ones. */
    public record Limits(Duration headers, Duration bodyStall, Duration idle, Duration tick) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(1));
    }

    private final Limits limits;
    /** Monotonic nanoseconds ({@link System#nanoTime}; tests pass one they move, so no deadline depends on real speed). */
    private final LongSupplier nanoTime;
    /** The watches of the threads that have needed a deadline and had not ended at the watchdog's last look. */
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Watch> watch = ThreadLocal.withInitial(() -> {
        Watch w = new Watch(Thread.currentThread());
        watches.add(w);
        return w;
    });
    private final ScheduledExecutorService watchdog;

    /** One thread's deadline. Armed and disarmed by the thread itself, fired by the watchdog, both under its lock. */
    private static final class Watch {
        final Thread thread;
        private boolean armed;
        private long deadline;

        Watch(Thread thread) {
            this.thread = thread;
        }

        /** Arms the deadline; an armed one is moved only if {@code replace}. */
        synchronized void arm(long at, boolean replace) {
            if (!armed || replace) {
                deadline = at;
                armed = true;
            }
        }

        synchronized void disarm() {
            armed = false;
        }

        /** Interrupts the thread if its deadline has passed; the interrupt happens under the lock {@link #disarm} takes. */
        synchronized void fireIfDue(long now) {
            if (armed && now - deadline > 0) {
                armed = false;
                thread.interrupt();
            }
        }
    }

    public ClientDeadlines(Limits limits) {
        this(limits, System::nanoTime);
    }

    /** Deadlines measured on {@code nanoTime}; the watchdog still looks every {@code limits.tick()} of real time. */
    public ClientDeadlines(Limits limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.nanoTime = nanoTime;
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

    /**
     * Starts the header deadline when a request line has been read and clears it when the headers are
     * complete, on the connection's own thread (Helidon calls its receive listeners there). A client that
     * sends a request line and then headers too slowly, even a byte at a time, loses the connection.
     */
    public Http1ConnectionListener headerDeadline() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                // Started at the request's first byte already, unless it came in the same read as the previous request.
                headBegins();
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                watch.get().disarm();
                if (Thread.interrupted()) {
                    // The watchdog fired as the last header arrived: the socket is gone, the flag must not linger.
                    throw new CloseConnectionException("request headers too slow");
                }
            }
        };
    }

    /**
     * HTTP/1 connections whose header deadline starts at a request's first byte ({@link HeadTimingSelector});
     * use with {@link #headerDeadline()} as a receive listener of the same {@code config}.
     */
    public ServerConnectionSelector http1(Http1Config config) {
        return new HeadTimingSelector(config, this);
    }

    /** The calling connection thread has begun to receive a request: its head must be complete in time. */
    void headBegins() {
        Watch w = watch.get();
        w.arm(nanoTime.getAsLong() + limits.headers().toNanos(), false);
    }

    /** Runs a read of the request body under the stall deadline. */
    <T> T whileReadingBody(IoCall<T> read) throws java.io.IOException {
        Watch w = watch.get();
        w.arm(nanoTime.getAsLong() + limits.bodyStall().toNanos(), true);
        try {
            return read.call();
        } finally {
            w.disarm();
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
     * Interrupts the threads past their deadline (under each watch's lock, so a thread that has just disarmed
     * its watch either was interrupted before, and sees the flag, or never is) and forgets ended threads.
     */
    void expire() {
        long now = nanoTime.getAsLong();
        for (Iterator<Watch> it = watches.iterator(); it.hasNext(); ) {
            Watch w = it.next();
            if (!w.thread.isAlive()) {
                it.remove();
            } else {
                w.fireIfDue(now);
            }
        }
    }

    /** How many threads are watched: those that needed a deadline and had not ended at the last look (tests). */
    int watched() {
        return watches.size();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
