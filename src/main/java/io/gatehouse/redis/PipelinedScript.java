package io.gatehouse.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 */
public final class PipelinedScript implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelinedScript.class);
    /** Calls per pipeline at most: bounds one write and the sender's reply buffer. */
    static final int MAX_BATCH = 256;

    private final Redis redis;
    private final String script;
    private final long waitNanos;
    private final LinkedBlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean closed;
    /** The sender's connection and the script's SHA on it; touched by the sender thread only. */
    private Jedis connection;
    private String sha;

    private record Call(List<String> keys, List<String> args, CompletableFuture<Object> result) {
    }

    PipelinedScript(Redis redis, String script, Duration timeout) {
        this.redis = redis;
        this.script = script;
        // A call may wait for the batch before it (one timeout) and its own (another), plus connecting.
        this.waitNanos = timeout.multipliedBy(3).toNanos();
        this.sender = Thread.ofPlatform().daemon().name("gatehouse-redis-pipeline").unstarted(this::run);
        sender.start();
    }

    /** Runs the script with these keys and arguments; blocks the caller until Redis answers. */
    public Object eval(List<String> keys, List<String> args) {
        if (closed) {
            throw new JedisConnectionException("The Redis connection is closed");
        }
        Call call = new Call(keys, args, new CompletableFuture<>());
        queue.add(call);
        try {
            return call.result.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new JedisConnectionException("Redis did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JedisConnectionException("Interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            // A new exception per caller (the cause is shared by the whole batch), of the same family.
            Throwable cause = e.getCause();
            if (cause instanceof JedisDataException) {
                throw new JedisDataException(cause.getMessage(), cause);
            }
            if (cause instanceof JedisConnectionException) {
                throw new JedisConnectionException(cause.getMessage(), cause);
            }
            throw new JedisException(String.valueOf(cause.getMessage()), cause);
        }
    }

    private void run() {
        List<Call> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // closing
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            send(batch);
            batch.clear();
        }
        disconnect();
        JedisConnectionException gone = new JedisConnectionException("The Redis connection is closed");
        for (Call c; (c = queue.poll()) != null; ) {
            c.result.completeExceptionally(gone);
        }
    }

    private void send(List<Call> batch) {
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
    }
}
