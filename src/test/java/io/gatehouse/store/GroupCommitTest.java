package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit on the embedded database as the server runs it: whichever group a write lands in, its caller
 * returns only once the write is committed (another connection sees it), and a failing write fails only
 * its own caller.
 */
class GroupCommitTest {
    @TempDir
    Path dir;

    private Database db;
    private Jdbc jdbc;
    private GroupCommit group;

    @BeforeEach
    void open() {
        db = Database.open(Database.embeddedUrl(dir), Database.EMBEDDED_USER, "", null);
        jdbc = new Jdbc(db);
        jdbc.update("CREATE TABLE probe (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        group = new GroupCommit(jdbc);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void every_caller_returns_after_its_write_is_committed_and_one_bad_write_fails_only_its_caller() throws Exception {
        int writers = 64;
        ConcurrentLinkedQueue<Long> notVisibleOnReturn = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        jdbc.update("INSERT INTO probe (id, name) VALUES (7, 'taken')");
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < writers; i++) {
                long id = i == 7 ? 7 : 1000 + i; // id 7 exists: that write alone must fail
                results.add(threads.submit(() -> {
                    start.await();
                    group.run(() -> jdbc.update("INSERT INTO probe (id, name) VALUES (?, ?)", id, "w" + id));
                    // a separate connection, outside any transaction: only committed rows are visible
                    if (jdbc.count("SELECT COUNT(*) FROM probe WHERE id = ? AND name = ?", id, "w" + id) != 1) {
                        notVisibleOnReturn.add(id);
                    }
                    return null;
                }));
            }
            start.countDown();
        }
        for (int i = 0; i < writers; i++) {
            Future<?> f = results.get(i);
            if (i == 7) {
                assertThatThrownBy(f::get).hasCauseInstanceOf(DuplicateException.class);
            } else {
                f.get();
            }
        }
        assertThat(notVisibleOnReturn).isEmpty();
        assertThat(jdbc.count("SELECT COUNT(*) FROM probe")).isEqualTo(writers);
    }

    @Test
    void inside_a_transaction_the_write_joins_it_and_rolls_back_with_it() {
        assertThatThrownBy(() -> jdbc.inTransaction(() -> {
            group.run(() -> jdbc.update("INSERT INTO probe (id, name) VALUES (1, 'inner')"));
            throw new IllegalStateException("the outer work fails");
        })).hasMessage("the outer work fails");
        assertThat(jdbc.count("SELECT COUNT(*) FROM probe")).isZero();
    }

    @Test
    void a_write_that_committed_but_whose_flush_failed_fails_its_caller_and_is_never_run_again() {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        db.flushWith(() -> {
            if (failNext.getAndSet(false)) {
                throw new java.sql.SQLException("disk full");
            }
        });

        assertThatThrownBy(() -> group.run(() -> {
            runs.incrementAndGet();
            jdbc.update("INSERT INTO probe (id, name) VALUES (1, 'once')");
        })).isInstanceOf(UnconfirmedCommitException.class);

        // Committed once, not re-run (a re-run would have hit the primary key, or written it twice).
        assertThat(runs).hasValue(1);
        assertThat(jdbc.count("SELECT COUNT(*) FROM probe WHERE id = 1")).isEqualTo(1);
        // The next commit flushes again.
        assertThat(jdbc.update("INSERT INTO probe (id, name) VALUES (2, 'next')")).isEqualTo(1);
    }
}
