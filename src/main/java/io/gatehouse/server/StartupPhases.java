package io.gatehouse.server;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a start spends its time: at DEBUG ({@code GATEHOUSE_LOG_LEVEL=DEBUG}), one line per phase with the
 * JVM's uptime and the process's CPU time so far, so a slow start can be read from the log (bench/README.md).
 */
public final class StartupPhases {
    private static volatile long mainAt = -1;

    /**
     * The logger, made on the first {@link #mark}: {@code main} runs for every CLI command too, and making a
     * logger sets up Logback (its configuration file, ~500 classes), which a client command never uses.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(StartupPhases.class);
    }

    private StartupPhases() {
    }

    /** Notes when {@code main} began (before logging is set up), reported with the first phase. */
    public static void main() {
        mainAt = ManagementFactory.getRuntimeMXBean().getUptime();
    }

    public static void mark(String phase) {
        Logger log = Log.LOG;
        if (log.isDebugEnabled()) {
            if (mainAt >= 0) {
                log.debug("start-up: main began at {} ms", mainAt);
                mainAt = -1;
            }
            var runtime = ManagementFactory.getRuntimeMXBean();
            long cpuMs = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime() / 1_000_000;
            log.debug("start-up: {} at {} ms (CPU {} ms, thread {})", phase, runtime.getUptime(), cpuMs, Thread.currentThread().getName());
        }
    }
}
