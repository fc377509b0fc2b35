package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.ConnectionContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deadlines of {@link ClientDeadlines} on a clock the test moves, with a watchdog that never looks by itself
 * (its tick is an hour): each test calls {@link ClientDeadlines#expire()} where the watchdog would have looked.
 * The threads are plain ones standing in for connection threads; SlowClientsTest covers the same through a server.
 */
class ClientDeadlinesTest {
    private static final ClientDeadlines.Limits LIMITS = new ClientDeadlines.Limits(Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofHours(1));
    private final AtomicLong now = new AtomicLong();
    private final ClientDeadlines deadlines = new ClientDeadlines(LIMITS, now::get);

    @AfterEach
    void close() {
        deadlines.close();
    }

    /** A thread that calls {@code first} and then waits until interrupted (true) or released (false). */
    private static final class Connection extends Thread {
        final CountDownLatch armed = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        private final Runnable first;

        Connection(Runnable first) {
            this.first = first;
        }

        @Override
        public void run() {
            first.run();
            armed.countDown();
            try {
                release.await();
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        }
    }

    private Connection connection(Runnable first) throws InterruptedException {
        Connection c = new Connection(first);
        c.start();
        assertThat(c.armed.await(30, TimeUnit.SECONDS)).isTrue();
        return c;
    }

    /** Long after every deadline, a look of the watchdog leaves {@code c} alone: it ends only when released. */
    private void assertNotInterruptedLongAfter(Connection c) throws Exception {
        now.set(Duration.ofMinutes(5).toNanos());
        deadlines.expire();
        c.release.countDown();
        assertThat(c.interrupted.get(30, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void a_request_head_not_complete_by_its_deadline_interrupts_its_thread() throws Exception {
        Connection c = connection(deadlines::headBegins);
        now.set(Duration.ofSeconds(10).toNanos()); // exactly the deadline: not past it
        deadlines.expire();
        now.set(Duration.ofSeconds(10).toNanos() + 1);
        deadlines.expire();
        assertThat(c.interrupted.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void a_head_that_began_earlier_keeps_its_first_deadline() throws Exception {
        Connection c = connection(() -> {
            deadlines.headBegins();
            now.set(Duration.ofSeconds(8).toNanos());
            deadlines.headBegins(); // the prologue listener, after the first byte already started it
        });
        now.set(Duration.ofSeconds(11).toNanos());
        deadlines.expire();
        assertThat(c.interrupted.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void complete_headers_disarm_the_deadline_and_leave_no_interrupt() throws Exception {
        Connection c = connection(() -> {
            deadlines.headBegins();
            deadlines.headerDeadline().headers(null, null);
        });
        assertNotInterruptedLongAfter(c);
    }

    @Test
    void a_body_read_that_stalls_past_its_deadline_ends_in_an_interrupted_io_exception() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                deadlines.whileReadingBody(() -> {
                    reading.countDown();
                    try {
                        new CountDownLatch(1).await(); // a read that never gets a byte
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // as a socket read does: the flag stays set
                    }
                    return 0;
                });
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
        now.set(Duration.ofSeconds(29).toNanos());
        deadlines.expire();
        assertThat(outcome).isNotDone();
        now.set(Duration.ofSeconds(31).toNanos());
        deadlines.expire();
        assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
    }

    @Test
    void a_body_read_in_time_returns_and_is_not_interrupted_later() throws Exception {
        Connection c = connection(() -> {
            try {
                assertThat(deadlines.whileReadingBody(() -> 7)).isEqualTo(7);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertNotInterruptedLongAfter(c);
    }

    @Test
    void the_watch_of_an_ended_thread_is_dropped_so_connections_leave_nothing_behind() throws Exception {
        for (int i = 0; i < 3; i++) {
            Connection c = connection(deadlines::headBegins); // armed, never disarmed: the connection just ended
            c.release.countDown();
            c.join();
        }
        assertThat(deadlines.watched()).isEqualTo(3);
        deadlines.expire();
        assertThat(deadlines.watched()).isZero();
    }

    @Test
    void the_connection_context_that_reads_through_our_reader_delegates_every_method() throws Exception {
        Class<?> through = Class.forName(HeadTimingSelector.class.getName() + "$ReadingThrough");
        for (Method m : allInterfaceMethods(ConnectionContext.class)) {
            Method own = through.getMethod(m.getName(), m.getParameterTypes());
            assertThat(own.getDeclaringClass()).as("%s is delegated", m).isEqualTo(through);
        }
    }

    private static List<Method> allInterfaceMethods(Class<?> type) {
        List<Method> methods = new ArrayList<>(Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())).toList());
        for (Class<?> parent : type.getInterfaces()) {
            methods.addAll(allInterfaceMethods(parent));
        }
        return methods;
    }
}
