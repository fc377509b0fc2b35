package io.gatehouse.audit;

import java.time.Instant;

/**
 * Filters for reading the log; null means "any". {@code before} is the cursor: only events with a
 * smaller id (older ones) are returned, newest first.
 */
public record AuditQuery(String actor, Long accountId, String clientId, String type, Instant since, Instant until,
                         Long before, int limit) {
    public static AuditQuery forAccount(long accountId, Long before, int limit) {
        return new AuditQuery(null, accountId, null, null, null, null, before, limit);
    }
}
