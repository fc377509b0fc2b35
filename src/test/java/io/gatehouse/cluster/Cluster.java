package io.gatehouse.cluster;

import io.gatehouse.testing.FaultProxy;
import io.gatehouse.testing.TestDatabases;
import io.gatehouse.testing.TestRedis;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several Gatehouse nodes on one fresh PostgreSQL database and one Redis key prefix, each reaching
 * both through a {@link FaultProxy} the test can cut: {@link #pgProxy} and {@link #redisProxy} for every
 * node at once (the service goes down), {@link #dbLink} for one node alone (its own link to the database).
 * Closing it stops the nodes and drops the data.
 */
final class Cluster implements AutoCloseable {
    final String pgUrl;
    final String redisPrefix;
    final FaultProxy pgProxy;
    final FaultProxy redisProxy;
    private final List<FaultProxy> dbLinks = new ArrayList<>();
    final List<TestServer> nodes = new ArrayList<>();
    final Map<String, String> settings = new HashMap<>();

    Cluster(int size, Map<String, String> extra) {
        pgUrl = TestDatabases.create();
        redisPrefix = TestRedis.newPrefix();
        URI pg = URI.create(pgUrl.substring("jdbc:".length()));
        pgProxy = new FaultProxy(pg.getHost(), pg.getPort());
        URI redis = URI.create(TestRedis.url());
        redisProxy = new FaultProxy(redis.getHost(), redis.getPort());
        String proxiedPg = pgUrl.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + pgProxy.port());
        settings.put("GATEHOUSE_DB_URL", proxiedPg);
        settings.put("GATEHOUSE_REDIS_URL", "redis://127.0.0.1:" + redisProxy.port());
        settings.put("GATEHOUSE_REDIS_PREFIX", redisPrefix);
        settings.put("GATEHOUSE_MASTER_KEY", "cluster-test-master-key-0123456789abcdef");
        // One external URL for the whole cluster: the iss and aud of every token, whichever node issued it.
        settings.put("GATEHOUSE_ISSUER", "https://api.cluster.test");
        settings.put("GATEHOUSE_API_KEY_RATE_LIMIT", "1000000");
        settings.putAll(extra);
        for (int i = 0; i < size; i++) {
            FaultProxy link = new FaultProxy("127.0.0.1", pgProxy.port());
            dbLinks.add(link);
            Map<String, String> own = new HashMap<>(settings);
            own.put("GATEHOUSE_DB_URL", proxiedPg.replace("127.0.0.1:" + pgProxy.port(), "127.0.0.1:" + link.port()));
            nodes.add(TestServer.node(own));
        }
    }

    TestServer node(int i) {
        return nodes.get(i);
    }

    /** Node {@code i}'s own link to the database: cutting it leaves the other nodes connected. */
    FaultProxy dbLink(int i) {
        return dbLinks.get(i);
    }

    @Override
    public void close() {
        for (TestServer n : nodes) {
            n.close();
        }
        dbLinks.forEach(FaultProxy::close);
        pgProxy.close();
        redisProxy.close();
        TestRedis.clean(redisPrefix);
        TestDatabases.drop(pgUrl);
    }
}
