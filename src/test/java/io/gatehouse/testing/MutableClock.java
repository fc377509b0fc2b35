package io.gatehouse.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one test clock: it stands still until the test moves it, so expiry, windows and retention are driven by
 * {@link #advance}, never by real time passing (a loaded machine cannot make a token expire early). Pass the same
 * instance to the server and to the clients whose notion of time must agree with it.
 */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public static MutableClock startingNow() {
        return new MutableClock(Instant.now());
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    /** This clock as monotonic nanoseconds, for what measures durations on {@code System.nanoTime}. */
    public long nanoTime() {
        Instant t = now;
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
