package io.gatehouse.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Map;
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
    private final Map<Thread, Long> deadlines = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;

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
                deadlines.remove(Thread.currentThread());
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
        deadlines.putIfAbsent(Thread.currentThread(), nanoTime.getAsLong() + limits.headers().toNanos());
    }

    /** Runs a read of the request body under the stall deadline. */
    <T> T whileReadingBody(IoCall<T> read) throws java.io.IOException {
        Thread me = Thread.currentThread();
        deadlines.put(me, nanoTime.getAsLong() + limits.bodyStall().toNanos());
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
        long now = nanoTime.getAsLong();
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
