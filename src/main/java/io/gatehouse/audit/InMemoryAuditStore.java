package io.gatehouse.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The audit log in memory, for tests of services that record events but own no database. */
public final class InMemoryAuditStore implements AuditStore {
    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized void insert(AuditEvent event) {
        events.add(event);
    }

    @Override
    public synchronized List<AuditEvent> find(AuditQuery q) {
        return events.stream()
                .filter(e -> q.actor() == null || q.actor().equals(e.actor()))
                .filter(e -> q.accountId() == null || q.accountId().equals(e.accountId()))
                .filter(e -> q.clientId() == null || q.clientId().equals(e.clientId()))
                .filter(e -> q.type() == null || q.type().equals(e.type()))
                .filter(e -> q.since() == null || !e.time().isBefore(q.since()))
                .filter(e -> q.until() == null || e.time().isBefore(q.until()))
                .filter(e -> q.before() == null || e.id() < q.before())
                .sorted(Comparator.comparingLong(AuditEvent::id).reversed())
                .limit(Math.max(1, q.limit()))
                .toList();
    }
}
