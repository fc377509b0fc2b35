package io.gatehouse.pipeline;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's appender (logback.xml): a bounded ring of preallocated slots between the request threads
 * and one writer thread that writes standard output in batches, one write and flush per batch.
 *
 * <p>Two ways in. {@link #access} (the access log's own path, from {@code RequestLog}) copies the fields of
 * one request line into a slot: no allocation, no formatting, no lock on the request thread. The writer
 * formats the line straight into a reusable byte buffer, exactly as the {@link #PATTERN} would (the date
 * part made once per second). It is used only when the encoder's pattern is that pattern; any other pattern,
 * and every ordinary Logback event, goes through {@link #append}, which puts the event in a slot and lets the
 * writer encode it with the configured encoder (so the arguments logged must be immutable; the thread name is
 * captured on the calling thread).
 *
 * <p>While lines keep coming the writer looks at the ring every 10 ms ({@link #LINGER_NANOS}) without being woken,
 * so a request never pays for a wake-up or a system call, and the writer writes each batch of lines with one
 * system call; after {@link #IDLE_POLLS} empty looks it parks until the next line, and only then does a request
 * unpark it. Lines are never dropped: a full ring makes the request wake the writer and wait for a free slot
 * (only if standard output stalls, or lines come faster than a ring's worth per 10 ms). {@link #flushAll}
 * writes out what is queued before the process exits, and {@link #stop} writes out the ring before the writer
 * ends.
 *
 * <p>A line the writer cannot format (any {@link Throwable}, an {@link Error} such as running out of memory
 * included) is left out and reported to Logback's status; the writer goes on with the next. Should the writer
 * thread end anyway, a request never waits for it: the line it would have waited for is dropped and counted
 * ({@link #dropped}, one line on standard error the first time).
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** The pattern of every line on standard output (logback.xml); {@link #access} formats it without Logback. */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{24} - %msg%n";
    /** What {@link #PATTERN} makes of level and logger for the access log, between the date and the message. */
    private static final byte[] ACCESS_HEAD = " INFO  gatehouse.access - ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEWLINE = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final Set<BatchingConsoleAppender> RUNNING = ConcurrentHashMap.newKeySet();
    private static final int BATCH_BYTES = 1 << 16;
    /**
     * How long the writer sleeps between looks while lines come: each look that finds lines costs a wake-up and
     * a write system call on the server's core, so fewer, bigger batches (about 30 KB at 25k lines/s) cost less
     * per line; a line reaches standard output within about this long.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Empty looks before the writer parks until a request wakes it (about 200 ms of quiet). */
    private static final int IDLE_POLLS = 20;
    private static final long FLUSH_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Room kept past each variable part of a line for the fixed parts that follow it (at most ~60 bytes). */
    private static final int SLACK = 128;
    private static final long FULL_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /** One line waiting to be written: either an access line's fields or an ordinary event. */
    private static final class Slot {
        /** Vyukov's bounded queue: equals the position when free for it, position + 1 once filled. */
        volatile long seq;
        ILoggingEvent event;
        long millis;
        String listener;
        String method;
        String path;
        int status;
        long nanos;
        String requestId;
        String peer;
        boolean hasAccount;
        long accountId;
        String clientId;

        void clear() {
            event = null;
            listener = method = path = requestId = peer = clientId = null;
        }
    }

    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 16_384;
    private OutputStream target;
    private boolean formatsAccess;
    private Slot[] slots;
    private int mask;
    private final AtomicLong claimed = new AtomicLong();
    private volatile long written;
    private volatile boolean sleeping;
    private volatile boolean closing;
    private volatile Runnable onFull;
    /** Test hook: run by the writer before it formats each line (inside its error handling). */
    private volatile Runnable onFormat;
    private final AtomicLong dropped = new AtomicLong();
    private Thread writer;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** Slots in the ring (rounded up to a power of two, at least 16). */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Where lines go; standard output (as it is at each write) unless set (tests). */
    public void setTarget(OutputStream target) {
        this.target = target;
    }

    /** Test hook: run by a request thread each time it finds the ring full and starts waiting for a slot. */
    void onFull(Runnable hook) {
        this.onFull = hook;
    }

    /** Test hook: see {@link #onFormat}. */
    void onFormat(Runnable hook) {
        this.onFormat = hook;
    }

    /** Lines dropped because the writer thread had ended; 0 while it runs. */
    public long dropped() {
        return dropped.get();
    }

    /** Whether {@link #access} writes what the configured pattern would: only with {@link #PATTERN}. */
    public boolean formatsAccess() {
        return formatsAccess && isStarted();
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        formatsAccess = encoder instanceof PatternLayoutEncoder p && PATTERN.equals(p.getPattern());
        int size = Integer.highestOneBit(Math.max(16, queueSize) - 1) << 1;
        slots = new Slot[size];
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot();
            slots[i].seq = i;
        }
        mask = size - 1;
        closing = false;
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
        closing = true;
        LockSupport.unpark(writer);
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.getThreadName(); // the one lazily computed field that depends on the calling thread
        long pos = claimed.getAndIncrement();
        Slot s = slotFor(pos);
        if (s == null) {
            return;
        }
        s.event = event;
        publish(s, pos);
    }

    /**
     * One access-log line, as {@code RequestLog} logged it through Logback: {@code listener method path status
     * ms.hhms rid=requestId peer=peer[ account=accountId[ client=clientId]]}. Only the fields are copied here.
     */
    public void access(String listener, String method, String path, int status, long nanos, String requestId,
                       String peer, boolean hasAccount, long accountId, String clientId) {
        long millis = System.currentTimeMillis();
        long pos = claimed.getAndIncrement();
        Slot s = slotFor(pos);
        if (s == null) {
            return;
        }
        s.millis = millis;
        s.listener = listener;
        s.method = method;
        s.path = path;
        s.status = status;
        s.nanos = nanos;
        s.requestId = requestId;
        s.peer = peer;
        s.hasAccount = hasAccount;
        s.accountId = accountId;
        s.clientId = clientId;
        publish(s, pos);
    }

    /**
     * The slot for a claimed position, once the writer has freed it: a full ring makes the caller wait. Null if
     * the writer thread has ended: the line is dropped and counted rather than the request held forever.
     */
    private Slot slotFor(long pos) {
        Slot s = slots[(int) pos & mask];
        if (s.seq != pos) {
            Runnable hook = onFull;
            if (hook != null) {
                hook.run();
            }
            boolean interrupted = false;
            try {
                while (s.seq != pos) {
                    if (!writer.isAlive()) {
                        drop();
                        return null;
                    }
                    LockSupport.unpark(writer); // it may be lingering: the ring is full, so write now
                    LockSupport.parkNanos(FULL_WAIT_NANOS);
                    // A pending interrupt makes parkNanos return at once: clear it while waiting (no spinning),
                    // and give it back to the caller afterwards.
                    interrupted |= Thread.interrupted();
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return s;
    }

    private void drop() {
        if (dropped.getAndIncrement() == 0) {
            System.err.println("gatehouse: the access-log writer thread has ended; log lines are being dropped");
        }
    }

    private void publish(Slot s, long pos) {
        s.seq = pos + 1;
        if (sleeping) {
            sleeping = false;
            LockSupport.unpark(writer);
        }
    }

    /** Waits (at most {@code limit}) until every line given so far is written; true if it was. */
    public boolean flush(Duration limit) {
        long target = claimed.get();
        long deadline = System.nanoTime() + limit.toNanos();
        while (written < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.unpark(writer);
            LockSupport.parkNanos(FLUSH_POLL_NANOS);
        }
        return true;
    }

    /** Writes out every running instance's ring: the server's last step of a graceful stop. */
    public static void flushAll(Duration limit) {
        for (BatchingConsoleAppender a : RUNNING) {
            a.flush(limit);
        }
    }

    // ---- the writer thread ----

    private byte[] buf = new byte[BATCH_BYTES * 2];
    private int len;
    private long second = Long.MIN_VALUE;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private final byte[] date = new byte[24]; // yyyy-MM-ddTHH:mm:ss.SSSZ

    private void run() {
        long next = 0;
        int idle = 0;
        while (true) {
            Slot s = slots[(int) next & mask];
            if (s.seq == next + 1) {
                int lineStart = len;
                try {
                    Runnable hook = onFormat;
                    if (hook != null) {
                        hook.run();
                    }
                    if (s.event != null) {
                        bytes(encoder.encode(s.event));
                    } else {
                        line(s);
                    }
                } catch (Throwable failed) { // an Error too: the writer must outlive any one line
                    len = lineStart;
                    report("cannot encode an access-log line", failed);
                }
                s.clear();
                s.seq = next + slots.length;
                next++;
                if (len >= BATCH_BYTES) {
                    write(next);
                }
                idle = 0;
                continue;
            }
            if (len > 0) {
                write(next);
                continue;
            }
            if (closing) {
                return;
            }
            if (idle++ < IDLE_POLLS) {
                LockSupport.parkNanos(LINGER_NANOS);
                continue;
            }
            sleeping = true;
            if (s.seq != next + 1 && !closing) {
                LockSupport.park(this);
            }
            sleeping = false;
        }
    }

    private void write(long upTo) {
        OutputStream out = target != null ? target : System.out;
        try {
            // One write call for the whole batch: PrintStream holds its lock for it, so the lines of
            // other appenders on standard output never land inside one of ours.
            out.write(buf, 0, len);
            out.flush();
        } catch (Throwable e) { // an Error too: the writer must go on
            report("cannot write the access log", e);
        }
        len = 0;
        written = upTo;
    }

    private void report(String what, Throwable failed) {
        try {
            addError(what, failed);
        } catch (Throwable ignored) { // out of memory again, say: the next line is what matters
        }
    }

    /** Formats an access line as {@link #PATTERN} would. */
    private void line(Slot s) {
        ensure(SLACK);
        date(s.millis);
        bytes(ACCESS_HEAD);
        text(s.listener);
        put(' ');
        text(s.method);
        put(' ');
        text(s.path);
        put(' ');
        number(s.status);
        put(' ');
        long hundredths = s.nanos / 10_000;
        number(hundredths / 100);
        put('.');
        long h = hundredths % 100;
        if (h < 10) {
            put('0');
        }
        number(h);
        put('m');
        put('s');
        ascii(" rid=");
        text(s.requestId);
        ascii(" peer=");
        text(s.peer);
        if (s.hasAccount) {
            ascii(" account=");
            number(s.accountId);
            if (s.clientId != null) {
                ascii(" client=");
                text(s.clientId);
            }
        }
        bytes(NEWLINE);
    }

    private void date(long millis) {
        long sec = Math.floorDiv(millis, 1000);
        if (sec != second) {
            byte[] whole = SECONDS.format(Instant.ofEpochSecond(sec)).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(whole, 0, date, 0, 19); // once a second: the library formats, the line copies
            date[19] = '.';
            date[23] = 'Z';
            second = sec;
        }
        digits(date, 20, (int) Math.floorMod(millis, 1000), 3);
        System.arraycopy(date, 0, buf, len, date.length);
        len += date.length;
    }

    private static void digits(byte[] into, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            into[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, len + more)];
            System.arraycopy(buf, 0, bigger, 0, len);
            buf = bigger;
        }
    }

    private void put(char c) {
        buf[len++] = (byte) c;
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** A string in UTF-8, as the encoder writes it (ASCII in place, anything else through the charset). */
    private void text(String s) {
        if (s == null) {
            bytes(NULL);
            return;
        }
        int n = s.length();
        ensure(n + SLACK);
        int start = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                len = start;
                bytes(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
            buf[len++] = (byte) c;
        }
    }

    private void number(long v) {
        if (v < 0) {
            ascii(Long.toString(v));
            return;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void bytes(byte[] b) {
        ensure(b.length + SLACK);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }
}
