package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupFlushTest {
    @Test
    void commits_made_one_after_another_are_flushed_one_by_one() throws SQLException {
        AtomicInteger flushed = new AtomicInteger();
        GroupFlush group = new GroupFlush(flushed::incrementAndGet);

        group.awaitDurable();
        group.awaitDurable();
        group.awaitDurable();

        assertThat(flushed).hasValue(3);
    }

    @Test
    void commits_that_arrive_during_a_flush_share_the_next_one() throws Exception {
        CountDownLatch inFirstFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger flushed = new AtomicInteger();
        GroupFlush group = new GroupFlush(() -> {
            if (flushed.incrementAndGet() == 1) {
                inFirstFlush.countDown();
                reach(release);
            }
        });

        Thread first = Thread.ofVirtual().start(() -> durable(group));
        reach(inFirstFlush);
        Thread[] later = new Thread[5];
        for (int i = 0; i < later.length; i++) {
            later[i] = Thread.ofVirtual().start(() -> durable(group));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> group.waiting() == later.length);
        release.countDown();
        first.join();
        for (Thread t : later) {
            t.join();
        }

        // The five commits came after the first flush had started, so it could not cover them: one more
        // flush does, for all five.
        assertThat(flushed).hasValue(2);
        assertThat(group.flushes()).isEqualTo(2);
    }

    @Test
    void a_failed_flush_fails_its_caller_and_the_next_commit_flushes_again() throws SQLException {
        AtomicBoolean fail = new AtomicBoolean(true);
        AtomicInteger flushed = new AtomicInteger();
        GroupFlush group = new GroupFlush(() -> {
            if (fail.getAndSet(false)) {
                throw new SQLException("disk full");
            }
            flushed.incrementAndGet();
        });

        assertThatThrownBy(group::awaitDurable).hasMessage("disk full");
        group.awaitDurable();

        assertThat(flushed).hasValue(1);
    }

    private static void durable(GroupFlush group) {
        try {
            group.awaitDurable();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void reach(CountDownLatch latch) {
        try {
            if (!latch.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("latch not reached within 30 s");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
