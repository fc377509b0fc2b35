package io.gatehouse.server;

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
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The access log's appender: every line, whole, in each thread's order, in the configured pattern. */
class BatchingConsoleAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BatchingConsoleAppender appender = new BatchingConsoleAppender();

    private Logger logger(int queueSize) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%-5level %logger{24} - %msg%n");
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
            public synchronized void write(byte[] b, int off, int len) {
                out.write(b, off, len);
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
}
