package io.gatehouse.ratelimit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process limiter of a single node. Each bucket's window is an object guarded by its own
 * monitor; a request's buckets are locked in key order, so its decision is atomic across them and two
 * requests never deadlock. Ended windows are swept by {@link #sweep}.
 */
public final class InMemoryRateLimiter implements RateLimiter {
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long start;
        int count;
        boolean dead;
    }

    @Override
    public Decision consume(List<Bucket> buckets, long now) {
        return decide(buckets, now, true);
    }

    @Override
    public Decision peek(List<Bucket> buckets, long now) {
        return decide(buckets, now, false);
    }

    private Decision decide(List<Bucket> buckets, long now, boolean count) {
        if (buckets.size() == 1) {
            Bucket b = buckets.getFirst();
            while (true) {
                Window w = windows.computeIfAbsent(b.key(), k -> new Window());
                synchronized (w) {
                    if (!w.dead) {
                        return decideLocked(buckets, List.of(w), now, count);
                    }
                }
            }
        }
        while (true) {
            List<Window> ws = new ArrayList<>(buckets.size());
            for (Bucket b : buckets) {
                ws.add(windows.computeIfAbsent(b.key(), k -> new Window()));
            }
            List<Integer> order = new ArrayList<>(buckets.size());
            for (int i = 0; i < buckets.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparing(i -> buckets.get(i).key()));
            Decision d = lockInOrder(buckets, ws, order, 0, now, count);
            if (d != null) {
                return d;
            }
        }
    }

    /** Locks the windows one by one in key order, then decides; null if one was swept meanwhile (retry). */
    private static Decision lockInOrder(List<Bucket> buckets, List<Window> ws, List<Integer> order, int i, long now,
                                        boolean count) {
        if (i == order.size()) {
            for (Window w : ws) {
                if (w.dead) {
                    return null;
                }
            }
            return decideLocked(buckets, ws, now, count);
        }
        Window w = ws.get(order.get(i));
        synchronized (w) {
            return lockInOrder(buckets, ws, order, i + 1, now, count);
        }
    }

    private static Decision decideLocked(List<Bucket> buckets, List<Window> ws, long now, boolean count) {
        boolean ok = true;
        for (int i = 0; i < buckets.size(); i++) {
            Window w = ws.get(i);
            // The same key twice in one request needs room for each mention, like Redis.
            int before = 0;
            for (int j = 0; j < i; j++) {
                before += ws.get(j) == w ? 1 : 0;
            }
            ok &= FixedWindow.used(w.start, w.count, now) + before < buckets.get(i).limit();
        }
        if (ok && count) {
            for (Window w : ws) {
                // The same key twice in one request counts once per mention, like Redis.
                long start = FixedWindow.startAfterAdmit(w.start, w.count, now);
                w.count = FixedWindow.countAfterAdmit(w.start, w.count, now);
                w.start = start;
            }
        }
        List<Decision.BucketState> states = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            Window w = ws.get(i);
            states.add(FixedWindow.state(b.policy(), b.limit(), w.start, w.count, now));
        }
        return FixedWindow.decide(ok, states);
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
