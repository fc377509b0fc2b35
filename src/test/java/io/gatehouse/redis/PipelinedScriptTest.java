package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.FaultProxy;
import io.gatehouse.testing.TestRedis;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Many threads share one pipelined connection: each gets its own answer, an error is its caller's alone,
 * a lost connection fails the callers (for the limiter's fallback) and the next call connects again.
 * Real Redis, reached directly or through a proxy the test cuts.
 */
class PipelinedScriptTest {
    private static final String SCRIPT = """
            if ARGV[1] == 'bad' then return redis.error_reply('BAD input') end
            return redis.call('INCRBY', KEYS[1], ARGV[1])
            """;
    private final String prefix = TestRedis.newPrefix();
    private final FaultProxy proxy = new FaultProxy("127.0.0.1", URI.create(TestRedis.url()).getPort());
    private final Redis redis = new Redis("redis://127.0.0.1:" + proxy.port(), prefix, TestRedis.COMMAND_TIMEOUT);
    private final PipelinedScript script = redis.pipelined(SCRIPT);

    @AfterEach
    void clean() {
        redis.close();
        proxy.close();
        TestRedis.clean(prefix);
    }

    private long incr(String key, long by) {
        return (Long) script.eval(List.of(prefix + key), List.of(Long.toString(by)));
    }

    @Test
    void concurrent_callers_each_get_their_own_answer_and_none_is_lost() throws Exception {
        int threads = 64;
        int each = 50;
        Set<Long> answers = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        assertThat(answers.add(incr("n", 1))).isTrue(); // every count seen once: answers not mixed up
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(answers).hasSize(threads * each);
        assertThat(incr("n", 0)).isEqualTo(threads * each);
    }

    @Test
    void an_error_is_its_callers_alone() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> good = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                good.add(pool.submit(() -> incr("e", 1)));
            }
            assertThatThrownBy(() -> script.eval(List.of(prefix + "e"), List.of("bad")))
                    .isInstanceOf(JedisDataException.class).hasMessageContaining("BAD input");
            for (Future<Long> f : good) {
                assertThat(f.get()).isBetween(1L, 20L);
            }
        }
        assertThat(incr("e", 0)).isEqualTo(20);
    }

    @Test
    void a_lost_connection_fails_the_call_and_the_next_call_connects_again() {
        assertThat(incr("c", 1)).isEqualTo(1);
        proxy.cut();
        assertThatThrownBy(() -> incr("c", 1)).isInstanceOf(JedisConnectionException.class);
        proxy.restore();
        long after = incr("c", 1);
        // The failed call may or may not have reached Redis before the cut; the count goes on either way.
        assertThat(after).isBetween(2L, 3L);
    }

    @Test
    void a_closed_script_refuses_calls() {
        script.close();
        assertThatThrownBy(() -> incr("x", 1)).isInstanceOf(JedisConnectionException.class);
    }

    /** A script on the same Redis whose sender stops at its first batch until {@code release} opens. */
    private PipelinedScript held(Duration timeout, int maxQueued, CountDownLatch entered, CountDownLatch release) {
        PipelinedScript s = new PipelinedScript(redis, SCRIPT, timeout, maxQueued);
        s.beforeSend(() -> {
            s.beforeSend(null);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return s;
    }

    private long incr(PipelinedScript s, String key, long by) {
        return (Long) s.eval(List.of(prefix + key), List.of(Long.toString(by)));
    }

    @Test
    void a_full_queue_fails_the_call_at_once_and_it_never_runs() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PipelinedScript s = held(Duration.ofMinutes(5), 4, entered, release);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> waiting = new ArrayList<>();
            waiting.add(pool.submit(() -> incr(s, "q", 1)));
            entered.await(); // the sender holds the first call
            for (int i = 0; i < 4; i++) {
                waiting.add(pool.submit(() -> incr(s, "q", 1)));
            }
            while (s.queued() < 4) {
                Thread.onSpinWait();
            }
            assertThatThrownBy(() -> incr(s, "q", 100)).isInstanceOf(JedisConnectionException.class)
                    .hasMessageContaining("not keeping up");
            release.countDown();
            for (Future<Long> f : waiting) {
                assertThat(f.get()).isBetween(1L, 5L);
            }
        } finally {
            s.close();
        }
        assertThat(incr("q", 0)).isEqualTo(5); // the refused call never ran
    }

    @Test
    void a_call_whose_caller_gave_up_is_never_sent() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PipelinedScript s = held(Duration.ofMillis(200), 16, entered, release);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> first = pool.submit(() -> incr(s, "g", 1));
            entered.await(); // the sender holds the first call, as a Redis that stopped answering would
            assertThatThrownBy(() -> incr(s, "g", 10)).isInstanceOf(JedisConnectionException.class)
                    .hasMessageContaining("in time");
            assertThatThrownBy(first::get).hasCauseInstanceOf(JedisConnectionException.class);
            assertThat(s.queued()).isZero(); // the caller took its call out of the queue
            release.countDown();
            assertThat(incr(s, "g", 0)).isZero(); // neither the held call nor the queued one ran
        } finally {
            s.close();
        }
    }
}
