package io.gatehouse.core;

import java.time.Duration;

/** Where a feature puts its periodic chores (flushing batches, reloading state) and what must run once at stop. */
public interface Jobs {
    /** Runs {@code job} every {@code period}; a job that throws is logged whole and runs again next time. */
    void every(Duration period, String name, Runnable job);

    /** Runs {@code job} once when the node stops, after the periodic jobs ended, in the order added. */
    void atStop(Runnable job);
}
