package io.gatehouse.ratelimit;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process limiter of a single node. Each bucket's window is an object guarded by its own
 * monitor; a request's buckets are locked in a fixed order, so its decision is atomic across them
 * and two requests never deadlock. Ended windows are swept by {@link #sweep}.
 */
public final class InMemoryRateLimiter implements RateLimiter {
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long start;
        int count;
        boolean dead;
    }

    @Override
    public Decision consume(String key1, String policy1, int limit1, String key2, String policy2, int limit2, long now) {
        while (true) {
            Window w1 = windows.computeIfAbsent(key1, k -> new Window());
            if (key2 == null) {
                synchronized (w1) {
                    if (w1.dead) {
                        continue;
                    }
                    return decideOne(w1, policy1, limit1, now);
                }
            }
            Window w2 = windows.computeIfAbsent(key2, k -> new Window());
            boolean keyOrder = key1.compareTo(key2) <= 0;
            Window first = keyOrder ? w1 : w2;
            Window second = keyOrder ? w2 : w1;
            synchronized (first) {
                synchronized (second) {
                    if (w1.dead || w2.dead) {
                        continue;
                    }
                    return decideTwo(w1, policy1, limit1, w2, policy2, limit2, now);
                }
            }
        }
    }

    private static Decision decideOne(Window w, String policy, int limit, long now) {
        boolean ok = FixedWindow.hasRoom(w.start, w.count, limit, now);
        if (ok) {
            admit(w, now);
        }
        return FixedWindow.decide(ok, FixedWindow.state(policy, limit, w.start, w.count, now), null);
    }

    private static Decision decideTwo(Window w1, String p1, int l1, Window w2, String p2, int l2, long now) {
        boolean ok = FixedWindow.hasRoom(w1.start, w1.count, l1, now) && FixedWindow.hasRoom(w2.start, w2.count, l2, now);
        if (ok) {
            admit(w1, now);
            admit(w2, now);
        }
        return FixedWindow.decide(ok, FixedWindow.state(p1, l1, w1.start, w1.count, now),
                FixedWindow.state(p2, l2, w2.start, w2.count, now));
    }

    private static void admit(Window w, long now) {
        long start = FixedWindow.startAfterAdmit(w.start, w.count, now);
        w.count = FixedWindow.countAfterAdmit(w.start, w.count, now);
        w.start = start;
    }

    /** Drops windows that have ended (run every minute or so). */
    public void sweep(long now) {
        windows.forEach((key, w) -> {
            synchronized (w) {
                if (FixedWindow.used(w.start, w.count, now) == 0) {
                    w.dead = true;
                    windows.remove(key, w);
                }
            }
        });
    }

    int size() {
        return windows.size();
    }
}
