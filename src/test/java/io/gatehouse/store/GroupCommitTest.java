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

    /**
     * Writes that lock a row each (client credentials lock their API key's) run in a group in ascending lock order,
     * whatever order they queued in, so a group takes its locks in the order every other transaction takes them and
     * cannot wait for one that waits for it. Writes that lock nothing (order 0) keep their queue order, first.
     */
    @Test
    void a_group_runs_its_writes_in_ascending_lock_order() throws Exception {
        long[] orders = {30, 0, 10, 20, 0, 5};
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch leading = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            results.add(threads.submit(() -> {
                group.run(1, () -> {
                    leading.countDown();
                    awaitUninterruptibly(gate);
                });
                return null;
            }));
            leading.await(); // the leader holds its own group's commit open
            try {
                for (int i = 0; i < orders.length; i++) {
                    long order = orders[i];
                    String name = i + ":" + order;
                    results.add(threads.submit(() -> {
                        group.run(order, () -> ran.add(name));
                        return null;
                    }));
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (group.waiting() < i + 1) { // queued before the next one is sent: the queue order is the array's
                        assertThat(System.nanoTime()).as("the writer queues").isLessThan(deadline);
                        Thread.yield();
                    }
                }
            } finally {
                gate.countDown();
            }
        }
        for (Future<?> f : results) {
            f.get();
        }
        assertThat(ran).containsExactly("1:0", "4:0", "5:5", "2:10", "3:20", "0:30");
    }

    /**
     * Deterministic grouping, no sleeps: the first writer leads and its write waits at a gate; the other 63
     * queue behind its commit; once all 63 wait, the gate opens and they must go in as one group (the group's
     * leader runs every write of it, so all 63 writes run on one thread). The duplicate (id 7) fails that
     * group's transaction, so its writes are run again one by one and only id 7's caller fails.
     */
    private void callersSeeTheirWritesAndOnlyTheDuplicateFails(java.util.function.LongConsumer write) throws Exception {
        int writers = 64;
        ConcurrentLinkedQueue<Long> notVisibleOnReturn = new ConcurrentLinkedQueue<>();
        java.util.Map<Long, Thread> ranOn = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch leading = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        jdbc.update("INSERT INTO probe (id, name) VALUES (7, 'taken')");
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < writers; i++) {
                long id = i == 7 ? 7 : 1000 + i; // id 7 exists: that write alone must fail
                results.add(threads.submit(() -> {
                    group.run(() -> {
                        ranOn.put(id, Thread.currentThread());
                        if (id == 1000) {
                            leading.countDown();
                            awaitUninterruptibly(gate);
                        }
                        write.accept(id);
                    });
                    // a separate connection, outside any transaction: only committed rows are visible
                    if (jdbc.count("SELECT COUNT(*) FROM probe WHERE id = ? AND name = ?", id, "w" + id) != 1) {
                        notVisibleOnReturn.add(id);
                    }
                    return null;
                }));
                if (i == 0) {
                    leading.await(); // writer 0 leads a group of its own and holds its commit open
                }
            }
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (group.waiting() < writers - 1) {
                    assertThat(System.nanoTime()).as("the other writers queue behind the open commit").isLessThan(deadline);
                    Thread.yield();
                }
                assertThat(jdbc.count("SELECT COUNT(*) FROM probe")).as("nothing committed while the gate is shut").isEqualTo(1);
            } finally {
                gate.countDown(); // on a failed assertion too, so that closing the executor does not wait forever
            }
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
        Thread second = ranOn.get(1001L);
        assertThat(ranOn).hasSize(writers);
        assertThat(ranOn.entrySet().stream().filter(e -> e.getKey() != 1000L).map(java.util.Map.Entry::getValue).distinct())
                .as("the 63 queued writes ran as one group, on its leader's thread").containsExactly(second);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
