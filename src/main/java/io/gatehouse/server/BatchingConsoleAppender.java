package io.gatehouse.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's appender (logback.xml): a request thread only puts its event on a bounded queue; one
 * writer thread formats the events with the configured encoder (same pattern as every other line) and
 * writes them to standard output in batches, one write and flush per batch instead of per line. While
 * lines keep coming the writer looks at the queue every millisecond without being woken, so a request
 * never pays for a wake-up or a system call; after {@link #IDLE_POLLS} empty looks it blocks until the
 * next event. Events are never dropped: a full queue makes the request wait (only if standard output
 * stalls). {@link #flushAll} writes everything queued before the process exits.
 *
 * <p>The message is formatted on the writer thread, so the arguments logged must be immutable (the access
 * log passes strings and numbers); the thread name is captured on the request thread.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final Set<BatchingConsoleAppender> RUNNING = ConcurrentHashMap.newKeySet();
    private static final int MAX_BATCH = 4096;
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int IDLE_POLLS = 200;

    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 65_536;
    private OutputStream target;
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private Thread writer;
    private final LongAdder enqueued = new LongAdder();
    private volatile long written;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Where lines go; standard output (as it is at each write) unless set (tests). */
    public void setTarget(OutputStream target) {
        this.target = target;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        queue = new ArrayBlockingQueue<>(Math.max(16, queueSize));
        writer = Thread.ofPlatform().daemon().name("gatehouse-access-log").start(this::run);
        RUNNING.add(this);
        super.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        RUNNING.remove(this);
        flush(Duration.ofSeconds(5));
        writer.interrupt();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.getThreadName(); // the one lazily computed field that depends on the calling thread
        enqueued.increment();
        if (!queue.offer(event)) {
            try {
                queue.put(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                enqueued.decrement();
            }
        }
    }

    /** Waits (at most {@code limit}) until every event appended so far is written; true if it was. */
    public boolean flush(Duration limit) {
        long target = enqueued.sum();
        long deadline = System.nanoTime() + limit.toNanos();
        while (written < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(LINGER_NANOS);
        }
        return true;
    }

    /** Writes out every running instance's queue: the server's last step of a graceful stop. */
    public static void flushAll(Duration limit) {
        for (BatchingConsoleAppender a : RUNNING) {
            a.flush(limit);
        }
    }

    private void run() {
        List<ILoggingEvent> batch = new ArrayList<>(MAX_BATCH);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
        int idle = 0;
        while (true) {
            queue.drainTo(batch, MAX_BATCH);
            if (batch.isEmpty()) {
                if (idle++ < IDLE_POLLS) {
                    LockSupport.parkNanos(LINGER_NANOS);
                    continue;
                }
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    return;
                }
            }
            idle = 0;
            for (ILoggingEvent e : batch) {
                try {
                    buffer.writeBytes(encoder.encode(e));
                } catch (RuntimeException failed) {
                    addError("cannot encode an access-log event", failed);
                }
            }
            write(buffer);
            written += batch.size();
            batch.clear();
            buffer.reset();
        }
    }

    private void write(ByteArrayOutputStream buffer) {
        OutputStream out = target != null ? target : System.out;
        try {
            // One write call for the whole batch: PrintStream holds its lock for it, so the lines of
            // other appenders on standard output never land inside one of ours.
            buffer.writeTo(out);
            out.flush();
        } catch (IOException e) {
            addError("cannot write the access log", e);
        }
    }
}
