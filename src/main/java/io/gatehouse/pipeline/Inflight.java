package io.gatehouse.pipeline;

import java.time.Duration;

/** Counts requests in progress, so that shutdown can wait for them to finish. */
public final class Inflight {
    private final Object lock = new Object();
    private int count;

    public void enter() {
        synchronized (lock) {
            count++;
        }
    }

    public void leave() {
        synchronized (lock) {
            if (--count == 0) {
                lock.notifyAll();
            }
        }
    }

    public int count() {
        synchronized (lock) {
            return count;
        }
    }

    /** Waits until no request is in progress or the grace period ends; true if it became idle. */
    public boolean awaitIdle(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (lock) {
            while (count > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
