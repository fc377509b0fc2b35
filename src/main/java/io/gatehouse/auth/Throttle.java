package io.gatehouse.auth;

import java.time.Duration;

/**
 * Counts failed attempts (wrong secrets, wrong passwords) in fixed windows, per (subject, address) and
 * per address (SPEC §11). A subject is a client id or an email. The throttle only ever speaks about
 * failures: callers check the credential first and consult the throttle only when it was wrong, so correct
 * credentials are never refused by it, and one caller's failures never lock out another address.
 * Implementations: {@link InMemoryThrottle} (one node) and {@link RedisThrottle} (every node of a cluster).
 */
public interface Throttle {

    /**
     * What a throttle counts: at most {@code perSubject} failures per (subject, address) and
     * {@code perAddress} per address in each {@code window}; {@code name} keeps throttles apart.
     */
    record Policy(String name, int perSubject, int perAddress, Duration window) {
        public Policy {
            if (perSubject < 1 || perAddress < 1 || window.toMillis() < 1) {
                throw new IllegalArgumentException("a throttle needs positive limits and window");
            }
        }
    }

    /**
     * Records one failure of {@code subject} (may be null: the address alone) from {@code address}, checked
     * and counted atomically: when either count already reached its limit nothing is counted and the answer
     * is the seconds until that window ends; otherwise both go up by one and the answer is 0.
     */
    long fail(String subject, String address);

    /** Seconds until {@code subject} (may be null) from {@code address} may fail again unrefused; 0 when now. */
    long retryAfter(String subject, String address);
}
