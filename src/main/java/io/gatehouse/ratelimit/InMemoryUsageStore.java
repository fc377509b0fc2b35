package io.gatehouse.ratelimit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Usage counts in memory, for tests and tools without a database. */
public final class InMemoryUsageStore implements UsageStore {
    private record Key(String clientId, Instant minute) {
    }

    private final Map<Key, long[]> rows = new ConcurrentHashMap<>();

    @Override
    public void add(Row r) {
        rows.merge(new Key(r.clientId(), r.minute()), new long[] {r.requests(), r.rejected()},
                (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    }

    @Override
    public List<Row> since(String clientId, Instant from) {
        return rows.entrySet().stream()
                .filter(e -> e.getKey().clientId().equals(clientId) && !e.getKey().minute().isBefore(from))
                .map(e -> new Row(clientId, e.getKey().minute(), e.getValue()[0], e.getValue()[1]))
                .toList();
    }
}
