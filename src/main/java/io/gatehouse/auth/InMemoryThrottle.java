package io.gatehouse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The throttle of one node: windows in a Caffeine cache bounded in size (least useful keys go first when
 * forged ones flood it) that forgets a key when its window is over. Check and count happen under one
 * lock; only failures reach it, and each costs two map operations.
 */
public final class InMemoryThrottle implements Throttle {
    /** Keys kept per throttle, at most: about 200 bytes each. */
    public static final int MAX_KEYS = 100_000;

    private final Policy policy;
    private final Clock clock;
    private final long windowMillis;
    private final Cache<String, Window> windows;

    private record Window(long start, int count) {
    }

    public InMemoryThrottle(Policy policy, Clock clock) {
        this(policy, clock, MAX_KEYS);
    }

    InMemoryThrottle(Policy policy, Clock clock, long maxKeys) {
        this.policy = policy;
        this.clock = clock;
        this.windowMillis = policy.window().toMillis();
        this.windows = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(windowMillis, TimeUnit.MILLISECONDS)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    @Override
    public synchronized long fail(String subject, String address) {
        long now = clock.millis();
        String byAddress = ThrottleKeys.address(address);
        String byPair = ThrottleKeys.pair(subject, address);
        Window a = live(byAddress, now);
        Window p = byPair == null ? null : live(byPair, now);
        long wait = Math.max(wait(a, policy.perAddress(), now), wait(p, policy.perSubject(), now));
        if (wait > 0) {
            return wait;
        }
        windows.put(byAddress, a == null ? new Window(now, 1) : new Window(a.start, a.count + 1));
        if (byPair != null) {
            windows.put(byPair, p == null ? new Window(now, 1) : new Window(p.start, p.count + 1));
        }
        return 0;
    }

    @Override
    public synchronized long retryAfter(String subject, String address) {
        long now = clock.millis();
        String byPair = ThrottleKeys.pair(subject, address);
        return Math.max(wait(live(ThrottleKeys.address(address), now), policy.perAddress(), now),
                byPair == null ? 0 : wait(live(byPair, now), policy.perSubject(), now));
    }

    /** Keys held now (for tests of the bound). */
    long size() {
        windows.cleanUp();
        return windows.estimatedSize();
    }

    /** The keys held now (for tests). */
    List<String> keys() {
        return List.copyOf(windows.asMap().keySet());
    }

    private Window live(String key, long now) {
        Window w = windows.getIfPresent(key);
        return w == null || now >= w.start + windowMillis || now < w.start ? null : w;
    }

    private long wait(Window w, int limit, long now) {
        if (w == null || w.count < limit) {
            return 0;
        }
        return Math.max(1, (w.start + windowMillis - now + 999) / 1000);
    }
}
