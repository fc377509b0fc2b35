package io.gatehouse.account;

import io.gatehouse.core.DomainException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * SPEC §11 "Bounded work": at most a fixed number of password hashes run at a time (each argon2id takes
 * 19 MiB and tens of milliseconds of a core). A caller waits a short while for a turn; past that it is
 * told the service is busy (503 with Retry-After), so a login flood costs bounded memory and CPU.
 */
public final class HashingGate {
    private final Semaphore permits;
    private final int size;
    private final long waitNanos;

    public HashingGate(int permits, Duration wait) {
        if (permits < 1) {
            throw new IllegalArgumentException("a hashing gate needs at least one permit");
        }
        this.size = permits;
        this.permits = new Semaphore(permits, true);
        this.waitNanos = wait.toNanos();
    }

    /** Half the cores (at least one), leaving the rest for requests that need no hash; a 2 s wait. */
    public static HashingGate forThisMachine() {
        return new HashingGate(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), Duration.ofSeconds(2));
    }

    public int permits() {
        return size;
    }

    /** A turn to hash, to be closed after; refused as unavailable when none frees up in time. */
    public Permit enter() {
        boolean got;
        try {
            got = permits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw DomainException.overloaded("Too many sign-ins at once; try again in a moment.", 1);
        }
        return new Permit();
    }

    /** One turn; closing it twice gives back one permit. */
    public final class Permit implements AutoCloseable {
        private boolean open = true;

        private Permit() {
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                permits.release();
            }
        }
    }
}
