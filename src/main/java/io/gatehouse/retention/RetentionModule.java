package io.gatehouse.retention;

import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention job on a thread of its own (a long first run on an old database must not hold up the
 * node's other chores): first a minute after start, then every {@link #PERIOD}. A run that fails,
 * whatever it throws, is logged whole and the next one runs as planned.
 */
public final class RetentionModule {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionModule.class);
    public static final Duration FIRST_RUN = Duration.ofMinutes(1);
    public static final Duration PERIOD = Duration.ofMinutes(5);

    public final RetentionJob job;

    public RetentionModule(Settings settings, Jdbc jdbc, Clock clock) {
        this.job = new RetentionJob(jdbc, clock,
                new RetentionJob.Periods(settings.retention(), settings.usageRetention(), settings.auditRetention()));
    }

    public void schedule(Jobs jobs) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-retention");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::runOnce, FIRST_RUN.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        jobs.atStop(thread::shutdownNow);
    }

    /** One run that never throws: a run that ended the thread would end retention for good. */
    void runOnce() {
        try {
            job.run();
        } catch (Throwable t) {
            LOG.error("retention run failed; the next one runs in {}", PERIOD, t);
        }
    }
}
