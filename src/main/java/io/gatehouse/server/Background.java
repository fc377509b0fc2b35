package io.gatehouse.server;

import io.gatehouse.core.Jobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node's periodic chores (flushing batched writes, reloading state), and what must run once at stop. */
public final class Background implements Jobs {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-background");
        t.setDaemon(true);
        return t;
    });
    private final List<Runnable> atStop = new ArrayList<>();

    @Override
    public void every(Duration period, String name, Runnable task) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                // A job that throws must not stop for good (a scheduled task that throws is never run again).
                LOG.error("background task '{}' failed; it runs again in {}", name, period, t);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void atStop(Runnable task) {
        atStop.add(task);
    }

    /** Stops the periodic chores, then runs the stop tasks once, in order. */
    public synchronized void stop() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable r : atStop) {
            try {
                r.run();
            } catch (Throwable t) {
                LOG.error("stop task failed", t);
            }
        }
    }
}
