package io.gatehouse.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script that many request threads run at once, over one connection, pipelined: each caller puts
 * its call in a queue and waits; one sender thread takes every call waiting, writes them to Redis in one
 * pipeline ({@code EVALSHA} each, one write), reads the answers in order and hands each its own. While
 * one batch is on the wire the next one gathers, so under load a round trip carries as many calls as
 * arrived meanwhile, and Redis reads and answers them with one system call each way instead of one per
 * request. Each call is still its own script run: atomic on its own, exactly as if sent alone.
 *
 * <p>Failures are the callers' as before: a lost connection fails every call in the batch with a
 * {@link JedisConnectionException} (the next batch connects again), a call not answered within
 * {@code timeout} (the node's Redis command timeout) fails the same way, and a Redis that forgot the
 * script (a restart) gets it again and the calls it refused are sent once more.
 *
 * <p>Nothing waits unbounded while Redis is unreachable: the queue holds at most {@link #MAX_QUEUED} calls and
 * a call finding it full fails at once (the same {@link JedisConnectionException}, so the limiter falls back);
 * a call not sent within {@code timeout} of being queued is failed instead of sent, and a call still unanswered
 * {@code 2 × timeout} after it was queued (the batch before its own, then its own) is failed by a sweeper
 * that looks every quarter of the timeout, so the sender skips it. A Redis that comes back therefore never runs
 * calls whose requests were already answered locally. Callers wait without a timer of their own: a timed park
 * of a virtual thread arms and cancels a timer task per request (about 10% of the request threads' CPU in
 * many-node mode), where one sweeper does the same for every call.
 */
public final class PipelinedScript implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelinedScript.class);
    /** Calls per pipeline at most: bounds one write and the sender's reply buffer. */
    static final int MAX_BATCH = 256;
    /** Calls queued at most; one more fails at once. */
    static final int MAX_QUEUED = 4 * MAX_BATCH;

    private final Redis redis;
    private final String script;
    private final long timeoutNanos;
    private final long waitNanos;
    private final LinkedBlockingQueue<Call> queue;
    /** Test hook: run by the sender with each batch taken, before it looks at deadlines and sends. */
    private volatile Runnable beforeSend;
    private final Thread sender;
    private final Thread sweeper;
    private final long sweepNanos;
    /** The calls the sender has taken from the queue and not yet answered, for the sweeper. */
    private volatile List<Call> inFlight = List.of();
    private volatile boolean closed;
    /** The sender's connection and the script's SHA on it; touched by the sender thread only. */
    private Jedis connection;
    private String sha;

    /**
     * One call; {@code deadline} (nanoTime) is when it is failed instead of sent if still queued, {@code giveUp}
     * when the sweeper fails it if still unanswered.
     */
    private record Call(List<String> keys, List<String> args, long deadline, long giveUp, CompletableFuture<Object> result) {
    }

    PipelinedScript(Redis redis, String script, Duration timeout) {
        this(redis, script, timeout, MAX_QUEUED);
    }

    PipelinedScript(Redis redis, String script, Duration timeout, int maxQueued) {
        this.redis = redis;
        this.script = script;
        this.queue = new LinkedBlockingQueue<>(maxQueued);
        this.timeoutNanos = timeout.toNanos();
        // A call may wait for the batch before it (one timeout) and its own (another); one not sent within
        // the first timeout is failed by the sender, so nobody waits behind a backlog.
        this.waitNanos = timeout.multipliedBy(2).toNanos();
        this.sweepNanos = Math.max(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(1));
        this.sender = Thread.ofPlatform().daemon().name("gatehouse-redis-pipeline").unstarted(this::run);
        this.sweeper = Thread.ofPlatform().daemon().name("gatehouse-redis-sweeper").unstarted(this::sweep);
        sender.start();
        sweeper.start();
    }

    /** Runs the script with these keys and arguments; blocks the caller until Redis answers. */
    public Object eval(List<String> keys, List<String> args) {
        if (closed) {
            throw new JedisConnectionException("The Redis connection is closed");
        }
        long now = System.nanoTime();
        Call call = new Call(keys, args, now + timeoutNanos, now + waitNanos, new CompletableFuture<>());
        if (!queue.offer(call)) {
            throw new JedisConnectionException("Redis is not keeping up: " + queue.size() + " calls queued");
        }
        if (closed && queue.remove(call)) { // closed meanwhile: the sender may have failed the queue before it came
            throw new JedisConnectionException("The Redis connection is closed");
        }
        try {
            return answer(call); // answered by the sender, or failed by it or by the sweeper in time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return giveUp(call, new JedisConnectionException("Interrupted while waiting for Redis", e));
        }
    }

    /** Fails the caller's own call so the sender skips it, unless its answer came meanwhile. */
    private Object giveUp(Call call, JedisConnectionException e) {
        if (call.result.completeExceptionally(e)) {
            queue.remove(call); // frees its place at once (at most MAX_QUEUED to look through)
            throw e;
        }
        try {
            return call.result.getNow(null);
        } catch (java.util.concurrent.CompletionException failed) {
            throw rethrown(failed.getCause());
        }
    }

    private static Object answer(Call call) throws InterruptedException {
        try {
            return call.result.get();
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** A new exception per caller (the cause is shared by the whole batch), of the same family. */
    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof JedisDataException) {
            return new JedisDataException(cause.getMessage(), cause);
        }
        if (cause instanceof JedisConnectionException) {
            return new JedisConnectionException(cause.getMessage(), cause);
        }
        return new JedisException(String.valueOf(cause.getMessage()), cause);
    }

    /**
     * Fails every call still unanswered at its {@code giveUp} time, queued or sent, and takes a queued one out of
     * the queue; looks every quarter of the timeout, so a caller waits at most about 2.25 × the timeout.
     */
    private void sweep() {
        while (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, sweepNanos);
            long now = System.nanoTime();
            for (Call c : inFlight) {
                expire(c, now);
            }
            for (Call c : queue) { // weakly consistent: safe while the sender and callers change it
                if (now - c.giveUp >= 0) {
                    queue.remove(c); // first, so its caller, once woken, finds its place free
                    expire(c, now);
                }
            }
        }
    }

    private static boolean expire(Call c, long now) {
        return now - c.giveUp >= 0 && !c.result.isDone()
                && c.result.completeExceptionally(new JedisConnectionException("Redis did not answer in time"));
    }

    private void run() {
        while (!closed) {
            List<Call> batch = new ArrayList<>();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // closing
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            inFlight = batch; // not changed from here on: the sweeper reads it
            try {
                send(batch);
            } finally {
                inFlight = List.of();
            }
        }
        disconnect();
        JedisConnectionException gone = new JedisConnectionException("The Redis connection is closed");
        for (Call c; (c = queue.poll()) != null; ) {
            c.result.completeExceptionally(gone);
        }
    }

    /** Test hook: see {@link #beforeSend}. */
    void beforeSend(Runnable hook) {
        this.beforeSend = hook;
    }

    /** Calls waiting in the queue (tests). */
    int queued() {
        return queue.size();
    }

    private void send(List<Call> taken) {
        Runnable hook = beforeSend;
        if (hook != null) {
            hook.run();
        }
        // Skip what its caller gave up on, and fail what waited past its deadline: its request was answered
        // (or is about to be) without Redis, so running it now would charge the app twice.
        long now = System.nanoTime();
        List<Call> batch = new ArrayList<>(taken.size());
        JedisConnectionException late = null;
        for (Call c : taken) {
            if (c.result.isDone()) {
                continue;
            }
            if (now - c.deadline >= 0) {
                if (late == null) {
                    late = new JedisConnectionException("Redis did not answer in time");
                }
                c.result.completeExceptionally(late);
                continue;
            }
            batch.add(c);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            Jedis j = connection;
            if (j == null) {
                j = redis.connection();
                connection = j;
                sha = null;
            }
            if (sha == null) {
                sha = j.scriptLoad(script);
            }
            List<Call> refused = exchange(j, batch);
            if (!refused.isEmpty()) { // Redis restarted and forgot the script
                sha = j.scriptLoad(script);
                for (Call c : exchange(j, refused)) {
                    c.result.completeExceptionally(new JedisNoScriptException("Redis refused the script twice"));
                }
            }
        } catch (RuntimeException e) {
            // The connection's state is unknown (a reply may be half read): drop it, fail what is unanswered.
            disconnect();
            if (!(e instanceof JedisConnectionException)) {
                LOG.warn("Redis pipeline failed: {}", e.toString());
            }
            for (Call c : batch) {
                c.result.completeExceptionally(e);
            }
        }
    }

    /** Sends the calls in one pipeline and completes each; returns those Redis refused for an unknown script. */
    private List<Call> exchange(Jedis j, List<Call> calls) {
        Pipeline p = j.pipelined();
        List<Response<Object>> replies = new ArrayList<>(calls.size());
        for (Call c : calls) {
            replies.add(p.evalsha(sha, c.keys, c.args));
        }
        p.sync();
        List<Call> refused = List.of();
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            try {
                c.result.complete(replies.get(i).get());
            } catch (JedisNoScriptException e) {
                if (refused.isEmpty()) {
                    refused = new ArrayList<>();
                }
                refused.add(c);
            } catch (JedisDataException e) {
                c.result.completeExceptionally(e);
            }
        }
        return refused;
    }

    private void disconnect() {
        Jedis j = connection;
        connection = null;
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing a broken Redis connection", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        java.util.concurrent.locks.LockSupport.unpark(sweeper);
    }
}
