package io.gatehouse.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One recorded event (SPEC §9). {@code actor} is who did it: an account id, {@code admin} (the admin
 * API), {@code system} (a background job), or null (nobody authenticated, e.g. a failed login).
 * {@code details} never holds a secret.
 */
public record AuditEvent(long id, Instant time, String type, String actor, Long accountId, String clientId,
                         String ip, String requestId, Map<String, Object> details) {
    public AuditEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
