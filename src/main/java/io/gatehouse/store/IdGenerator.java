package io.gatehouse.store;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * 64-bit ids that stay below 2^53, so JavaScript clients read them exactly (SPEC §7).
 * Layout: 41 bits of milliseconds since 2024-01-01 (good until 2093) and 12 low bits that start
 * at a random value (all 12 bits drawn) each millisecond and count up; a node that issues more ids
 * in a millisecond than the low bits leave carries into the next millisecond's range. Ids from one
 * node are strictly increasing; two nodes collide only if they draw the same low bits in the same
 * millisecond (1 in 4096), which the primary key then refuses.
 */
public final class IdGenerator {
    private static final long EPOCH_MILLIS = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
    private static final int LOW_BITS = 12;
    public static final long MAX_ID = (1L << 53) - 1;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private long last;

    public IdGenerator(Clock clock) {
        this.clock = clock;
    }

    public synchronized long next() {
        long millis = clock.millis() - EPOCH_MILLIS;
        long candidate = (millis << LOW_BITS) | random.nextInt(1 << LOW_BITS);
        last = Math.max(candidate, last + 1);
        if (last > MAX_ID) {
            throw new IllegalStateException("id space exhausted");
        }
        return last;
    }
}
