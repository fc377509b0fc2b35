package io.gatehouse.revocation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The revocation log in memory, for tests without a database. */
public final class InMemoryRevocationLog implements RevocationLog {
    private record Entry(Revocation r, Instant at) {
    }

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public synchronized void append(List<Revocation> list, Instant at) {
        list.forEach(r -> entries.add(new Entry(r, at)));
    }

    @Override
    public synchronized List<Revocation> since(Instant from) {
        return entries.stream().filter(e -> !e.at.isBefore(from)).map(Entry::r).toList();
    }
}
