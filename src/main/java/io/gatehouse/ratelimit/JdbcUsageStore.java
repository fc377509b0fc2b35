package io.gatehouse.ratelimit;

import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.Jdbc;
import java.time.Instant;
import java.util.List;

/** Usage counts in {@code app_usage}: an increment, or an insert when the minute is new (racing inserts turn into increments). */
public final class JdbcUsageStore implements UsageStore {
    private static final String UPDATE =
            "UPDATE app_usage SET requests = requests + ?, rejected = rejected + ? WHERE client_id = ? AND minute_start = ?";

    private final Jdbc jdbc;

    public JdbcUsageStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void add(Row r) {
        if (jdbc.update(UPDATE, r.requests(), r.rejected(), r.clientId(), r.minute()) == 1) {
            return;
        }
        try {
            jdbc.update("INSERT INTO app_usage (client_id, minute_start, requests, rejected) VALUES (?, ?, ?, ?)",
                    r.clientId(), r.minute(), r.requests(), r.rejected());
        } catch (DuplicateException raced) {
            jdbc.update(UPDATE, r.requests(), r.rejected(), r.clientId(), r.minute());
        }
    }

    @Override
    public List<Row> since(String clientId, Instant from) {
        return jdbc.list("SELECT minute_start, requests, rejected FROM app_usage WHERE client_id = ? AND minute_start >= ?",
                rs -> new Row(clientId, Jdbc.instant(rs, "minute_start"), rs.getLong("requests"), rs.getLong("rejected")),
                clientId, from);
    }
}
