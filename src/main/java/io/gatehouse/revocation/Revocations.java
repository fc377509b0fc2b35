package io.gatehouse.revocation;

import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The one way to revoke something (a key, a grant, an access token) or to announce an app's change.
 * {@link #run} opens one database transaction; the work writes the change and its audit event (the
 * audit log joins the thread's transaction) and reports each thing it ended on {@link Ended}. Before
 * the commit, the consequences registered with {@link #cascade} run in the same transaction (revoking
 * an API key revokes the grants made with it), and every ended thing is appended to the revocation log.
 * Only after the commit is each published on the {@link RevocationBus}: this node's caches at once, the
 * other nodes over Redis, and a node that missed the message reads the log. A failure anywhere before
 * the commit leaves nothing revoked and nothing published.
 */
public final class Revocations {
    /** What a revocation's work reports: each thing it ended (or, for an app, changed). */
    @FunctionalInterface
    public interface Ended {
        void add(Revocation r);
    }

    /** A consequence of a revocation, run in its transaction; it reports what it ends in turn. */
    @FunctionalInterface
    public interface Cascade {
        void follow(Revocation cause, Ended ended);
    }

    private final Jdbc jdbc;
    private final RevocationLog log;
    private final RevocationBus bus;
    private final Clock clock;
    private final Map<Revocation.Kind, List<Cascade>> cascades = new ConcurrentHashMap<>();

    public Revocations(Jdbc jdbc, RevocationLog log, RevocationBus bus, Clock clock) {
        this.jdbc = jdbc;
        this.log = log;
        this.bus = bus;
        this.clock = clock;
    }

    /** Revocations on a single node (an in-process bus), logged in this database; for tools and tests. */
    public static Revocations onOneNode(Jdbc jdbc, Clock clock) {
        return new Revocations(jdbc, jdbc == null ? new InMemoryRevocationLog() : new JdbcRevocationLog(jdbc),
                new RevocationBus(), clock);
    }

    /** Applies every revocation, from this node or another, to a feature's caches. */
    public void subscribe(java.util.function.Consumer<Revocation> handler) {
        bus.subscribe(handler);
    }

    /** Registers what must also end, in the same transaction, whenever something of this kind is revoked. */
    public void cascade(Revocation.Kind kind, Cascade cascade) {
        cascades.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(cascade);
    }

    /**
     * Runs {@code work} and what it sets off as one transaction, logs what ended, commits, then publishes.
     * Must not be called inside another transaction: the publish would precede the outer commit.
     */
    public <T> T run(Function<Ended, T> work) {
        if (jdbc != null && jdbc.inTransaction()) {
            throw new IllegalStateException("a revocation is its own transaction; it cannot join another");
        }
        List<Revocation> ended = new ArrayList<>();
        T result = jdbc == null ? revoke(work, ended) : jdbc.inTransaction(() -> revoke(work, ended));
        ended.forEach(bus::publish);
        return result;
    }

    /** Revokes one thing whose change the caller has nothing else to write with (an app's test users changed). */
    public void announce(Revocation r) {
        run(ended -> {
            ended.add(r);
            return null;
        });
    }

    private <T> T revoke(Function<Ended, T> work, List<Revocation> ended) {
        ended.clear(); // a retried transaction starts again
        T result = work.apply(ended::add);
        // Consequences may end more things, whose own consequences follow in turn.
        for (int i = 0; i < ended.size(); i++) {
            Revocation cause = ended.get(i);
            for (Cascade c : cascades.getOrDefault(cause.kind(), List.of())) {
                c.follow(cause, ended::add);
            }
        }
        List<Revocation> distinct = ended.stream().distinct().toList();
        ended.clear();
        ended.addAll(distinct);
        log.append(distinct, clock.instant());
        return result;
    }
}
