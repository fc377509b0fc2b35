package io.gatehouse.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/** Keeps every log line of the in-process servers, so tests can check that no secret was logged. */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> ERRORS = new ConcurrentLinkedQueue<>();
    private static final AtomicLong ERROR_COUNT = new AtomicLong();
    private static boolean installed;

    public static synchronized void install() {
        if (installed) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture appender = new LogCapture();
        appender.setContext(ctx);
        appender.setName("capture");
        appender.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        installed = true;
    }

    /** Every line logged so far, with stack traces. */
    public static String all() {
        return String.join("\n", LINES);
    }

    /** Every ERROR line logged so far, with stack traces. */
    public static String errors() {
        return String.join("\n", ERRORS);
    }

    /** How many lines were logged at ERROR so far. */
    public static long errorCount() {
        return ERROR_COUNT.get();
    }

    /** The last ERROR lines logged (up to 20), with their stack traces. */
    public static String errorLines() {
        List<String> all = List.copyOf(ERRORS);
        return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    }

    @Override
    protected void append(ILoggingEvent e) {
        String line = e.getLoggerName() + " " + e.getFormattedMessage();
        if (e.getThrowableProxy() != null) {
            line += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
        }
        LINES.add(line);
        if (e.getLevel() == Level.ERROR) {
            ERRORS.add(line);
            ERROR_COUNT.incrementAndGet();
        }
    }
}
