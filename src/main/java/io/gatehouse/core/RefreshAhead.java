package io.gatehouse.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Reloads a cache entry off the request path, one reload per key at a time. A cache whose entries are
 * fresh for a while (say 5 s) asks for a reload a little before that ends; requests go on reading the
 * entry meanwhile, so a key in steady use is never loaded on a request's thread, and a burst of requests
 * at the moment it would have gone stale makes one database read, not one each. The freshness bound is
 * the cache's own and unchanged: an entry the reload did not replace in time is loaded on the request's
 * thread as before. A failed reload is logged at debug level and left to that path.
 */
public final class RefreshAhead<K> {
    /** The JDK's logger (java.util.logging underneath): the core depends on nothing outside the JDK. */
    private static final System.Logger LOG = System.getLogger(RefreshAhead.class.getName());
    private final Set<K> running = ConcurrentHashMap.newKeySet();
    private final String what;
    private volatile Executor executor = r -> Thread.ofVirtual().name("gatehouse-refresh").start(r);

    public RefreshAhead(String what) {
        this.what = what;
    }

    /** Runs reloads on this executor (tests: {@code Runnable::run}, so a reload is done when the call returns). */
    public void runOn(Executor e) {
        this.executor = e;
    }

    /** Starts {@code reload} for {@code key} unless one is already running. */
    public void refresh(K key, Runnable reload) {
        if (!running.add(key)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "Reloading " + what + " " + key
                            + " failed; the next request past its freshness loads it", e);
                } finally {
                    running.remove(key);
                }
            });
        } catch (RuntimeException e) {
            running.remove(key);
            LOG.log(System.Logger.Level.DEBUG, () -> "Could not start reloading " + what + " " + key, e);
        }
    }
}
