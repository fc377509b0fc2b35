package io.gatehouse.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: the writes of concurrent callers share one transaction and one commit, and each caller
 * returns only after the commit that holds its writes (never before its writes are durable).
 * <p>
 * No thread of its own: the first caller that finds no commit under way becomes the leader, takes every
 * write queued so far (its own included), runs them in one transaction and commits; callers arriving
 * meanwhile queue, and when the commit ends one of them leads the next group. Under no concurrency a
 * group is one write, as without this class. If a group's transaction fails, each of its writes is run
 * again in a transaction of its own, so one bad write fails only its caller.
 * <p>
 * A write may run on another caller's thread: it must only write through the stores (which join the
 * leader's transaction) and must not read the caller's thread-locals (audit context, request). A group of
 * more than one write runs {@link Jdbc#batched}: the stores' {@link Jdbc#insert}s go in as one JDBC batch per
 * statement at the group's end, so a write must not read back what it inserts.
 * <p>
 * A write may lock one row (client credentials lock their API key's): it passes that row's key as its
 * {@code lockOrder} and a group runs its writes in that order, so a group takes its locks in ascending order,
 * as every other transaction that locks several of those rows must (then no two can wait for each other).
 */
public final class GroupCommit {
    private static final Comparator<Write> BY_LOCK_ORDER = Comparator.comparingLong(w -> w.lockOrder);

    private final Jdbc jdbc;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committed = lock.newCondition();
    private List<Write> queue = new ArrayList<>();
    private boolean committing;

    private static final class Write {
        final Runnable work;
        final long lockOrder;
        boolean done;
        Throwable failure;

        Write(Runnable work, long lockOrder) {
            this.work = work;
            this.lockOrder = lockOrder;
        }
    }

    /** @param jdbc null for stores without a database (tests): each write then just runs */
    public GroupCommit(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Runs {@code work} in a transaction shared with concurrent callers; returns once it is committed. */
    public void run(Runnable work) {
        run(0, work);
    }

    /** {@link #run(Runnable)} for work that locks a row whose key is {@code lockOrder}: a group locks in that order. */
    public void run(long lockOrder, Runnable work) {
        if (jdbc == null || jdbc.inTransaction()) {
            // no database, or already in a transaction: the write belongs to that one
            work.run();
            return;
        }
        Write mine = new Write(work, lockOrder);
        List<Write> group;
        lock.lock();
        try {
            queue.add(mine);
            while (committing && !mine.done) {
                committed.awaitUninterruptibly();
            }
            if (mine.done) {
                rethrow(mine);
                return;
            }
            committing = true;
        } finally {
            lock.unlock();
        }
        // Let the callers that are ready to run reach the queue first: on a virtual-thread carrier a commit
        // is CPU work that nobody else runs beside, so without this the groups would stay single writes.
        Thread.yield();
        lock.lock();
        try {
            group = queue;
            queue = new ArrayList<>();
        } finally {
            lock.unlock();
        }
        try {
            commit(group);
        } finally {
            lock.lock();
            try {
                for (Write w : group) {
                    w.done = true;
                }
                committing = false;
                committed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        rethrow(mine);
    }

    private void commit(List<Write> group) {
        try {
            jdbc.inTransaction(c -> {
                if (group.size() == 1) {
                    group.get(0).work.run();
                } else {
                    group.sort(BY_LOCK_ORDER); // stable: writes that lock nothing keep their queue order
                    // the group's inserts as one JDBC batch per statement (Jdbc.insert), not one execution per row
                    jdbc.batched(() -> {
                        for (Write w : group) {
                            w.work.run();
                        }
                    });
                }
                return null;
            });
            return;
        } catch (UnconfirmedCommitException e) {
            // Committed, only its flush failed: running the writes again would make them twice.
            for (Write w : group) {
                w.failure = e;
            }
            return;
        } catch (RuntimeException | Error e) {
            if (group.size() == 1) {
                group.get(0).failure = e;
                return;
            }
        }
        // The group's transaction was rolled back: each write again on its own, with its own outcome.
        for (Write w : group) {
            try {
                jdbc.inTransaction(c -> {
                    w.work.run();
                    return null;
                });
            } catch (RuntimeException | Error e) {
                w.failure = e;
            }
        }
    }

    /** How many writes wait for the commit under way (tests: to know a group has formed). */
    int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private static void rethrow(Write w) {
        switch (w.failure) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(w.failure);
        }
    }
}
