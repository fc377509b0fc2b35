package io.gatehouse.ratelimit;

import java.util.List;

/**
 * The arithmetic of one bucket's window, with time passed in: no clock, no I/O, no locking. A window
 * that has ended counts as empty, and the next admitted request starts a new one at its own time.
 */
public final class FixedWindow {
    private FixedWindow() {
    }

    /** Requests already counted in the window that is current at {@code now}. */
    public static int used(long start, int count, long now) {
        return start > 0 && now < start + RateLimiter.WINDOW_MILLIS ? count : 0;
    }

    /** When the current window ends; a request now would start one ending a minute from now. */
    public static long reset(long start, int count, long now) {
        return used(start, count, now) > 0 ? start + RateLimiter.WINDOW_MILLIS : now + RateLimiter.WINDOW_MILLIS;
    }

    /** The new start after admitting one request: the old start in a live window, else now. */
    public static long startAfterAdmit(long start, int count, long now) {
        return used(start, count, now) > 0 ? start : now;
    }

    /** The new count after admitting one request. */
    public static int countAfterAdmit(long start, int count, long now) {
        return used(start, count, now) + 1;
    }

    /** The bucket's state for the headers, given its (possibly updated) start and count. */
    public static Decision.BucketState state(String policy, int limit, long start, int count, long now) {
        int used = used(start, count, now);
        return new Decision.BucketState(policy, limit, Math.max(0, limit - used), reset(start, count, now));
    }

    /**
     * Picks the bucket whose numbers the X-RateLimit-* headers carry: when admitted, the one with the
     * fewest requests left (the lower limit on a tie); when refused, a full one (the lowest limit among them).
     */
    public static Decision decide(boolean admitted, List<Decision.BucketState> states) {
        Decision.BucketState binding = null;
        for (Decision.BucketState s : states) {
            if (!admitted && s.remaining() > 0) {
                continue;
            }
            if (binding == null || s.remaining() < binding.remaining()
                    || s.remaining() == binding.remaining() && s.limit() < binding.limit()) {
                binding = s;
            }
        }
        return new Decision(admitted, binding == null ? states.getFirst() : binding, List.copyOf(states));
    }
}
