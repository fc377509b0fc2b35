package io.gatehouse.pipeline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Overload answers (503 because too much arrived at once, SPEC §11 "Bounded work") in the server log: at
 * most one WARN line per period, which says how many more were answered since the previous line. A flood
 * therefore cannot fill the log, and nothing is lost for accounting: every request still has its
 * access-log line and its metrics sample with status 503. Lock-free: the request that finds the period over
 * and wins the swap writes the line.
 */
final class OverloadLog {
    static final Duration PERIOD = Duration.ofSeconds(10);

    private final Logger log;
    private final long periodNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextLineAt;
    private final AtomicLong unlogged = new AtomicLong();

    OverloadLog(Logger log, Duration period, LongSupplier nanoTime) {
        this.log = log;
        this.periodNanos = period.toNanos();
        this.nanoTime = nanoTime;
        this.nextLineAt = new AtomicLong(nanoTime.getAsLong());
    }

    /** One overload answer: logged if no such line was written this period, else only counted. */
    void answered(String requestId, String method, String path, String reason) {
        long now = nanoTime.getAsLong();
        long next = nextLineAt.get();
        if (now - next >= 0 && nextLineAt.compareAndSet(next, now + periodNanos)) {
            long more = unlogged.getAndSet(0);
            if (more == 0) {
                log.warn("request {} {} {} answered 503 (overloaded): {}", requestId, method, path, reason);
            } else {
                log.warn("request {} {} {} answered 503 (overloaded): {} ({} more overload 503s since the last such line;"
                        + " the access log has each)", requestId, method, path, reason, more);
            }
        } else {
            unlogged.incrementAndGet();
        }
    }
}
