package io.gatehouse.revocation;

import io.gatehouse.store.Jdbc;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** The revocation log in the {@code revocation_log} table (V85); rows are deleted by the retention job. */
public final class JdbcRevocationLog implements RevocationLog {
    private final Jdbc jdbc;

    public JdbcRevocationLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void append(List<Revocation> entries, Instant at) {
        if (entries.isEmpty()) {
            return;
        }
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO revocation_log (kind, subject, at) VALUES (?, ?, ?)")) {
                OffsetDateTime t = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
                for (Revocation r : entries) {
                    ps.setString(1, r.kind().name().toLowerCase(java.util.Locale.ROOT));
                    ps.setString(2, r.id());
                    ps.setObject(3, t);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<Revocation> since(Instant from) {
        return jdbc.list("SELECT kind, subject FROM revocation_log WHERE at >= ? ORDER BY id",
                rs -> Revocation.of(rs.getString(1), rs.getString(2)), from).stream()
                .filter(java.util.Objects::nonNull).toList();
    }
}
