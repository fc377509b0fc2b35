package io.gatehouse.redis;

import java.net.URI;
import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;

/**
 * The node's connection to Redis ({@code GATEHOUSE_REDIS_URL}): a pool for commands, with short
 * timeouts so that an unreachable Redis turns into a fast fallback rather than stalled requests,
 * dedicated connections for subscriptions, and one pipelined connection per script that every request
 * runs (the rate limiter's, see {@link PipelinedScript}). Every key and channel starts with the configured prefix.
 */
public final class Redis implements AutoCloseable {
    private final HostAndPort address;
    private final JedisClientConfig config;
    private final JedisClientConfig subscriberConfig;
    private final JedisPooled pool;
    private final String prefix;
    private final Duration commandTimeout;
    private final java.util.List<PipelinedScript> scripts = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** How long a command (or connecting for one) may take before Redis counts as down: short, see above. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);

    public Redis(String url, String prefix) {
        this(url, prefix, COMMAND_TIMEOUT);
    }

    public Redis(String url, String prefix, Duration commandTimeout) {
        URI uri = URI.create(url);
        this.address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        int timeout = Math.toIntExact(commandTimeout.toMillis());
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).ssl("rediss".equals(uri.getScheme()));
        if (uri.getUserInfo() != null) {
            String[] userPass = uri.getUserInfo().split(":", 2);
            if (userPass.length == 2) {
                if (!userPass[0].isEmpty()) {
                    b.user(userPass[0]);
                }
                b.password(userPass[1]);
            } else {
                b.password(userPass[0]);
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            b.database(Integer.parseInt(path.substring(1)));
        }
        this.config = b.build();
        this.subscriberConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1000).socketTimeoutMillis(0).ssl("rediss".equals(uri.getScheme()))
                .user(config.getUser()).password(config.getPassword()).database(config.getDatabase()).build();
        this.pool = new JedisPooled(address, config);
        this.prefix = prefix;
        this.commandTimeout = commandTimeout;
    }

    public JedisPooled commands() {
        return pool;
    }

    /** A new command connection of its own (the pool's timeouts), for a {@link PipelinedScript}'s sender. */
    Jedis connection() {
        return new Jedis(address, config);
    }

    /**
     * A Lua script that request threads run over one shared, pipelined connection (see {@link PipelinedScript});
     * a call not answered within the command timeout fails like any other command. Closed with this.
     */
    public PipelinedScript pipelined(String script) {
        PipelinedScript s = new PipelinedScript(this, script, commandTimeout);
        scripts.add(s);
        return s;
    }

    /** A new connection of its own, for a blocking subscription. */
    public Jedis subscriber() {
        return new Jedis(address, subscriberConfig);
    }

    public String prefix() {
        return prefix;
    }

    public boolean isReachable() {
        try {
            return "PONG".equals(pool.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        scripts.forEach(PipelinedScript::close);
        pool.close();
    }
}
