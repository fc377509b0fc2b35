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
        callersSeeTheirWritesAndOnlyTheDuplicateFails(id -> jdbc.update("INSERT INTO probe (id, name) VALUES (?, ?)", id, "w" + id));
    }

    @Test
    void batched_inserts_of_a_parent_and_its_child_keep_the_same_guarantees() throws Exception {
        jdbc.update("CREATE TABLE probe_child (id BIGINT PRIMARY KEY, probe_id BIGINT NOT NULL REFERENCES probe (id))");
        callersSeeTheirWritesAndOnlyTheDuplicateFails(id -> {
            // as a grant: the parent row, then its child; in a group both go in as one batch per statement
            jdbc.insert("INSERT INTO probe (id, name) VALUES (?, ?)", id, "w" + id);
            jdbc.insert("INSERT INTO probe_child (id, probe_id) VALUES (?, ?)", id + 100_000, id);
        });
        assertThat(jdbc.count("SELECT COUNT(*) FROM probe_child")).isEqualTo(63);
    }

    @Test
    void a_batch_runs_its_rows_in_order_of_first_use_and_a_bad_row_fails_the_transaction() {
        jdbc.update("CREATE TABLE probe_child (id BIGINT PRIMARY KEY, probe_id BIGINT NOT NULL REFERENCES probe (id))");
        jdbc.inTransaction(() -> {
            jdbc.batched(() -> {
                for (long id = 1; id <= 3; id++) {
                    jdbc.insert("INSERT INTO probe (id, name) VALUES (?, ?)", id, "p" + id);
                    jdbc.insert("INSERT INTO probe_child (id, probe_id) VALUES (?, ?)", id, id);
                }
            });
            return null;
        });
        assertThat(jdbc.count("SELECT COUNT(*) FROM probe_child")).isEqualTo(3);

        assertThatThrownBy(() -> jdbc.inTransaction(() -> {
            jdbc.batched(() -> {
                jdbc.insert("INSERT INTO probe (id, name) VALUES (?, ?)", 4L, "p4");
                jdbc.insert("INSERT INTO probe (id, name) VALUES (?, ?)", 2L, "again");
            });
            return null;
        })).isInstanceOf(DuplicateException.class);
        assertThat(jdbc.count("SELECT COUNT(*) FROM probe")).isEqualTo(3); // p4 rolled back with the bad row
        // outside batched, insert runs at once and on its own
        jdbc.insert("INSERT INTO probe (id, name) VALUES (?, ?)", 5L, "p5");
        assertThat(jdbc.count("SELECT COUNT(*) FROM probe WHERE id = 5")).isEqualTo(1);
    }

    private void callersSeeTheirWritesAndOnlyTheDuplicateFails(java.util.function.LongConsumer write) throws Exception {
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
                    group.run(() -> write.accept(id));
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
