package io.gatehouse.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed attempts (logins, client authentications) per key in fixed windows, and says when a
 * key has failed too often (SPEC §11). Successes cost nothing. In-process: across a cluster each node
 * throttles on its own, which bounds guessing at nodes × limit per window.
 */
public final class FailureThrottle {
    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long start, int failures) {
    }

    public FailureThrottle(int maxFailures, long windowMillis, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /** Seconds until the key may try again, or 0 if it may now. */
    public long retryAfterSeconds(String key) {
        Window w = windows.get(key);
        long now = clock.millis();
        if (w == null || now - w.start >= windowMillis || w.failures < maxFailures) {
            return 0;
        }
        return Math.max(1, (w.start + windowMillis - now + 999) / 1000);
    }

    public void fail(String key) {
        long now = clock.millis();
        windows.compute(key, (k, w) -> w == null || now - w.start >= windowMillis ? new Window(now, 1) : new Window(w.start, w.failures + 1));
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> now - w.start >= windowMillis);
        }
    }
}
