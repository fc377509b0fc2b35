package io.gatehouse.revocation;

import io.gatehouse.redis.Redis;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Fans revocations out through Redis pub/sub. A subscriber thread keeps a connection of its own and
 * reconnects when it drops; after every (re)connection it asks {@code onConnected} to catch up from the
 * database, since pub/sub does not replay what was sent while a node was away.
 */
public final class RedisRevocationBus extends RevocationBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRevocationBus.class);

    private final Redis redis;
    private final String channel;
    private volatile Runnable onConnected = () -> { };
    private volatile Thread subscriber;
    private volatile boolean running = true;
    private volatile JedisPubSub current;

    public RedisRevocationBus(Redis redis) {
        this.redis = redis;
        this.channel = redis.prefix() + "revocations";
    }

    /** Starts listening; {@code onConnected} runs after every (re)subscription, to catch up on what was missed. */
    public void start(Runnable onConnected) {
        this.onConnected = onConnected;
        this.subscriber = Thread.ofPlatform().daemon().name("gatehouse-revocations").start(this::listen);
    }

    @Override
    protected void send(Revocation r) {
        try {
            redis.commands().publish(channel, r.encode());
        } catch (RuntimeException e) {
            // The database holds the revocation; other nodes catch up on their next poll.
            LOG.warn("could not publish {} to Redis; other nodes will catch up from the database", r.kind(), e);
        }
    }

    private void listen() {
        long backoff = 100;
        while (running) {
            try (Jedis j = redis.subscriber()) {
                JedisPubSub sub = new JedisPubSub() {
                    @Override
                    public void onSubscribe(String ch, int count) {
                        LOG.info("Listening for revocations on Redis channel {}", ch);
                        try {
                            onConnected.run();
                        } catch (RuntimeException e) {
                            LOG.error("catching up on revocations failed", e);
                        }
                    }

                    @Override
                    public void onMessage(String ch, String message) {
                        Revocation r = Revocation.decode(message);
                        if (r != null) {
                            deliver(r);
                        }
                    }
                };
                current = sub;
                backoff = 100;
                j.subscribe(sub, channel);
            } catch (RuntimeException e) {
                if (running) {
                    LOG.debug("revocation subscription lost", e);
                }
            } catch (Throwable t) {
                // Anything else (an Error in a handler) must not end the listener for good.
                LOG.error("revocation listener failed; it subscribes again", t);
            }
            if (running) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(backoff * 2, Duration.ofSeconds(2).toMillis());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        JedisPubSub s = current;
        if (s != null && s.isSubscribed()) {
            try {
                s.unsubscribe();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        Thread t = subscriber;
        if (t != null) {
            t.interrupt();
        }
    }
}
