package io.gatehouse.ratelimit;

import java.time.Instant;
import java.util.List;

/** Where per-minute usage counts live; every node adds its own counts, so a minute's total is their sum. */
public interface UsageStore {
    /** One minute of one app's traffic. */
    record Row(String clientId, Instant minute, long requests, long rejected) {
    }

    /** Adds the counts to what is stored for that app and minute (never overwrites another node's counts). */
    void add(Row row);

    /** The app's stored minutes from {@code from} on, in no particular order. */
    List<Row> since(String clientId, Instant from);
}
