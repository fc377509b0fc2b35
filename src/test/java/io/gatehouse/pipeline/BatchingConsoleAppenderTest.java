package io.gatehouse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access log's appender: every line, whole, in each thread's order, in the configured pattern; the access
 * lines it formats itself are exactly what Logback makes of the same message; a full ring makes the caller
 * wait, never drops a line.
 */
class BatchingConsoleAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BatchingConsoleAppender appender = new BatchingConsoleAppender();
    /** Open unless a test closes it: then the writer's next write waits until it opens. */
    private final CountDownLatch writable = new CountDownLatch(0);
    private volatile CountDownLatch gate = writable;

    private Logger logger(int queueSize) {
        return logger(queueSize, "%-5level %logger{24} - %msg%n");
    }

    private Logger logger(int queueSize, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.setTarget(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException("the appender writes whole batches");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                synchronized (out) {
                    out.write(b, off, len);
                }
            }
        });
        appender.start();
        Logger l = context.getLogger("gatehouse.access");
        l.setLevel(Level.INFO);
        l.setAdditive(false);
        l.addAppender(appender);
        return l;
    }

    @AfterEach
    void stop() {
        appender.stop();
        context.stop();
    }

    private List<String> lines() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void every_line_of_many_threads_is_written_whole_and_in_each_threads_order_even_through_a_small_queue()
            throws Exception {
        Logger log = logger(16); // far fewer slots than lines: requests wait, nothing is dropped
        int threads = 4;
        int each = 5_000;
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            started.add(Thread.ofPlatform().start(() -> IntStream.range(0, each)
                    .forEach(i -> log.info("{} GET /v1.0/me {} {}ms", "public", id, i))));
        }
        for (Thread t : started) {
            t.join();
        }
        assertThat(appender.flush(Duration.ofSeconds(30))).isTrue();
        List<String> lines = lines();
        assertThat(lines).hasSize(threads * each);
        int[] next = new int[threads];
        for (String line : lines) {
            assertThat(line).matches("INFO  gatehouse.access - public GET /v1.0/me \\d \\d+ms");
            String[] parts = line.split(" ");
            int thread = Integer.parseInt(parts[7]);
            assertThat(parts[8]).isEqualTo(next[thread]++ + "ms");
        }
    }

    @Test
    void stopping_writes_out_what_is_still_queued() {
        Logger log = logger(65_536);
        for (int i = 0; i < 1_000; i++) {
            log.info("line {}", i);
        }
        appender.stop();
        assertThat(lines()).hasSize(1_000).last().isEqualTo("INFO  gatehouse.access - line 999");
    }

    @Test
    void an_access_line_is_exactly_what_logback_makes_of_the_same_message_with_the_standard_pattern() {
        logger(64, BatchingConsoleAppender.PATTERN);
        assertThat(appender.formatsAccess()).isTrue();
        appender.access("public", "GET", "/v1.0/me", 200, 523_456, "0123abcd", "127.0.0.1", true, 7, "app_1");
        appender.access("admin", "POST", "/admin/v1/accounts", 201, 12_345_678_901L, "r2", "::1", true, 12, null);
        appender.access("public", "GET", "/nowhere/\u00e9t\u00e9", 404, 0, "r3", null, false, 0, null);
        appender.access("public", "DELETE", "/v1.0/x", 499, 99_999, "r4", "10.0.0.1", false, 0, null);
        assertThat(appender.flush(Duration.ofSeconds(30))).isTrue();
        List<String> lines = lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  gatehouse.access - "
                + "public GET /v1.0/me 200 0\\.52ms rid=0123abcd peer=127\\.0\\.0\\.1 account=7 client=app_1");
        assertThat(lines.get(1)).endsWith(" INFO  gatehouse.access - admin POST /admin/v1/accounts 201 12345.67ms rid=r2 peer=::1 account=12");
        assertThat(lines.get(2)).endsWith(" - public GET /nowhere/\u00e9t\u00e9 404 0.00ms rid=r3 peer=null");
        assertThat(lines.get(3)).endsWith(" - public DELETE /v1.0/x 499 0.09ms rid=r4 peer=10.0.0.1");

        // The same lines through Logback (the message as RequestLog used to log it, at the same instant).
        Object[][] args = {
                {"public", "GET", "/v1.0/me", 200, 0L, "52", "0123abcd", "127.0.0.1", " account=7 client=app_1"},
                {"admin", "POST", "/admin/v1/accounts", 201, 12345L, 67L, "r2", "::1", " account=12"},
                {"public", "GET", "/nowhere/\u00e9t\u00e9", 404, 0L, "00", "r3", null, ""},
                {"public", "DELETE", "/v1.0/x", 499, 0L, "09", "r4", "10.0.0.1", ""}};
        PatternLayoutEncoder logback = new PatternLayoutEncoder();
        logback.setContext(context);
        logback.setPattern(BatchingConsoleAppender.PATTERN);
        logback.start();
        Logger access = context.getLogger("gatehouse.access");
        for (int i = 0; i < lines.size(); i++) {
            LoggingEvent e = new LoggingEvent(Logger.class.getName(), access, Level.INFO,
                    "{} {} {} {} {}.{}ms rid={} peer={}{}", null, args[i]);
            e.setInstant(Instant.parse(lines.get(i).substring(0, 24)));
            assertThat(new String(logback.encode(e), StandardCharsets.UTF_8)).isEqualTo(lines.get(i) + System.lineSeparator());
        }
    }

    @Test
    void numbers_of_every_width_and_lines_longer_than_the_writers_room_come_out_whole() {
        logger(16, BatchingConsoleAppender.PATTERN);
        List<Long> numbers = new java.util.ArrayList<>(List.of(0L, Long.MAX_VALUE));
        long power = 1;
        for (int exponent = 0; exponent <= 18; exponent++) {
            numbers.addAll(List.of(power - 1, power, power + 1, 3 * power + 7)); // 3 * 10^18 + 7 still fits a long
            power = exponent < 18 ? power * 10 : power;
        }
        for (long n : numbers) {
            appender.access("public", "GET", "/n", 200, 0, "r", "p", true, n, null);
        }
        String longPath = "/" + "a".repeat(700);
        String longId = "\u00e9".repeat(300); // two bytes each in UTF-8
        appender.access("public", "GET", longPath, 200, Long.MAX_VALUE, longId, "p", true, 1, "c".repeat(400));
        // A short line after it: the batch buffer grew for the long one, and each line is still only its own bytes.
        appender.access("public", "GET", "/after", 204, 10_000, "r", "p", false, 0, null);
        assertThat(appender.flush(Duration.ofSeconds(30))).isTrue();

        List<String> lines = lines();
        assertThat(lines).hasSize(numbers.size() + 2);
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(lines.get(i)).endsWith(" - public GET /n 200 0.00ms rid=r peer=p account=" + numbers.get(i));
        }
        long hundredths = Long.MAX_VALUE / 10_000;
        assertThat(lines.get(numbers.size())).endsWith(" - public GET " + longPath + " 200 " + hundredths / 100 + "."
                + hundredths % 100 + "ms rid=" + longId + " peer=p account=1 client=" + "c".repeat(400));
        assertThat(lines.getLast()).endsWith(" - public GET /after 204 0.01ms rid=r peer=p");
    }

    @Test
    void no_access_line_is_lost_under_concurrent_load_and_a_graceful_stop_writes_out_the_ring() throws Exception {
        logger(64, BatchingConsoleAppender.PATTERN);
        int threads = 4;
        int each = 20_000;
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String id = "t" + t;
            started.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    appender.access("public", "GET", "/v1.0/me", 200, 10_000, id, Integer.toString(i), true, i, null);
                }
            }));
        }
        for (Thread t : started) {
            t.join();
        }
        appender.stop(); // no flush first: stopping writes out what is queued
        List<String> lines = lines();
        assertThat(lines).hasSize(threads * each);
        int[] next = new int[threads];
        for (String line : lines) {
            String[] parts = line.split(" ");
            assertThat(parts).hasSize(13); // "INFO  " (%-5level) makes an empty part
            int thread = parts[10].charAt(5) - '0';
            assertThat(parts[11]).isEqualTo("peer=" + next[thread]);
            assertThat(parts[12]).isEqualTo("account=" + next[thread]++);
        }
        assertThat(next).containsOnly(each);
    }

    @Test
    void a_full_ring_makes_the_caller_wait_and_drops_nothing() throws Exception {
        logger(16, BatchingConsoleAppender.PATTERN);
        CountDownLatch stalled = new CountDownLatch(1);
        gate = stalled; // standard output stalls: the writer's first write waits
        CountDownLatch full = new CountDownLatch(1);
        appender.onFull(full::countDown);
        int count = 200;
        Thread requests = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < count; i++) {
                appender.access("public", "GET", "/v1.0/me", 200, 0, "r" + i, "127.0.0.1", false, 0, null);
            }
        });
        assertThat(full.await(60, TimeUnit.SECONDS)).isTrue(); // a request found the ring full and waits
        assertThat(requests.isAlive()).isTrue();
        assertThat(lines()).isEmpty();
        stalled.countDown(); // standard output moves again
        requests.join();
        assertThat(appender.flush(Duration.ofSeconds(30))).isTrue();
        List<String> lines = lines();
        assertThat(lines).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(lines.get(i)).endsWith(" rid=r" + i + " peer=127.0.0.1");
        }
    }

    @Test
    void with_another_pattern_the_appender_leaves_access_lines_to_logback() {
        logger(64);
        assertThat(appender.formatsAccess()).isFalse();
    }

    @Test
    void an_error_while_formatting_a_line_costs_that_line_only_and_the_writer_goes_on() {
        Logger log = logger(16, BatchingConsoleAppender.PATTERN);
        java.util.concurrent.atomic.AtomicBoolean thrown = new java.util.concurrent.atomic.AtomicBoolean();
        appender.onFormat(() -> {
            if (thrown.compareAndSet(false, true)) {
                throw new OutOfMemoryError("test: formatting fails once");
            }
        });
        appender.access("public", "GET", "/lost", 200, 1_000_000, "r0", "127.0.0.1", false, 0, null);
        // Far more lines than slots: a dead writer would leave the caller waiting for a slot forever.
        for (int i = 1; i <= 100; i++) {
            appender.access("public", "GET", "/kept", 200, 1_000_000, "r" + i, "127.0.0.1", false, 0, null);
        }
        log.info("an ordinary event after it");
        assertThat(appender.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(thrown).isTrue();
        List<String> lines = lines();
        assertThat(lines).hasSize(101).noneMatch(l -> l.contains("/lost"));
        assertThat(lines.getFirst()).contains("GET /kept 200 1.00ms rid=r1 ");
        assertThat(lines.getLast()).endsWith("gatehouse.access - an ordinary event after it");
        assertThat(appender.dropped()).isZero();
    }

    @Test
    void a_caller_with_a_pending_interrupt_waits_for_a_slot_and_keeps_its_interrupt() throws Exception {
        logger(16, BatchingConsoleAppender.PATTERN);
        gate = new CountDownLatch(1); // the writer's next write waits: the ring fills
        CountDownLatch waiting = new CountDownLatch(1);
        appender.onFull(waiting::countDown);
        java.util.concurrent.atomic.AtomicBoolean keptInterrupt = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            for (int i = 0; i < 64; i++) {
                appender.access("public", "GET", "/i", 200, 1_000_000, "r" + i, "127.0.0.1", false, 0, null);
            }
            keptInterrupt.set(Thread.currentThread().isInterrupted());
        });
        waiting.await();
        gate.countDown();
        caller.join();
        assertThat(keptInterrupt).isTrue();
        assertThat(appender.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(lines()).hasSize(64);
    }
}
