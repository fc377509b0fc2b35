package io.gatehouse.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.core.Json;
import io.gatehouse.store.Jdbc;
import io.gatehouse.store.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The audit log in the {@code audit_events} table (H2 and PostgreSQL alike). */
public final class JdbcAuditStore implements AuditStore {
    private static final String COLUMNS = "id, at, type, actor, account_id, client_id, ip, request_id, details";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final Jdbc jdbc;

    public JdbcAuditStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(AuditEvent e) {
        jdbc.insert("INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.id(), e.time(), e.type(), e.actor(), e.accountId(), e.clientId(), e.ip(), e.requestId(),
                write(e.details()));
    }

    @Override
    public List<AuditEvent> find(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_events WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(sql, args, "actor = ?", q.actor());
        where(sql, args, "account_id = ?", q.accountId());
        where(sql, args, "client_id = ?", q.clientId());
        where(sql, args, "type = ?", q.type());
        where(sql, args, "at >= ?", q.since());
        where(sql, args, "at < ?", q.until());
        where(sql, args, "id < ?", q.before());
        sql.append(" ORDER BY id DESC LIMIT ").append(Math.max(1, q.limit()));
        return jdbc.list(sql.toString(), JdbcAuditStore::map, args.toArray());
    }

    private static void where(StringBuilder sql, List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(" AND ").append(clause);
            args.add(value);
        }
    }

    private static AuditEvent map(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong("id"), Jdbc.instant(rs, "at"), rs.getString("type"), rs.getString("actor"),
                Jdbc.nullableLong(rs, "account_id"), rs.getString("client_id"), rs.getString("ip"),
                rs.getString("request_id"), read(rs.getString("details")));
    }

    private static String write(Map<String, Object> details) {
        try {
            return Json.MAPPER.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be plain JSON values", e);
        }
    }

    private static Map<String, Object> read(String json) {
        try {
            return Json.MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new StoreException(new SQLException("unreadable audit details: " + e.getOriginalMessage()));
        }
    }
}
