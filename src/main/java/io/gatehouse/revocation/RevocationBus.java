package io.gatehouse.revocation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries revocations to every node's caches. {@link #publish} applies the event on this node before
 * it returns (so the revoking node is exact at once) and sends it to the others. Only {@link Revocations}
 * publishes, after the revocation committed with its log entry. The in-process bus of
 * a single node does only the first; {@link RedisRevocationBus} also fans out through Redis.
 */
public class RevocationBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationBus.class);
    private final List<Consumer<Revocation>> handlers = new CopyOnWriteArrayList<>();

    public void subscribe(Consumer<Revocation> handler) {
        handlers.add(handler);
    }

    void publish(Revocation r) {
        deliver(r);
        send(r);
    }


    /** Applies an event to this node's caches. */
    protected void deliver(Revocation r) {
        for (Consumer<Revocation> h : handlers) {
            try {
                h.accept(r);
            } catch (RuntimeException e) {
                LOG.error("applying {} failed", r.encode(), e);
            }
        }
    }

    /** Sends an event to the other nodes (nothing to do on a single node). */
    protected void send(Revocation r) {
    }

    @Override
    public void close() {
    }
}
