package io.gatehouse.audit;

import java.util.List;

/** Where audit events live: appended, never changed. */
public interface AuditStore {
    /** Appends an event; inside a transaction (see {@link Audit#inTransaction}) it is part of it. */
    void insert(AuditEvent event);

    /** Events matching the query, newest first, at most {@code q.limit()}. */
    List<AuditEvent> find(AuditQuery q);
}
