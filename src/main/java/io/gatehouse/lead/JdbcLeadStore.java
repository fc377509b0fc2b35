package io.gatehouse.lead;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.core.Json;
import io.gatehouse.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class JdbcLeadStore implements LeadStore {
    private static final String COLUMNS =
            "id, account_id, first_name, last_name, email, phone, stage, source, tags, created_at, updated_at";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final Jdbc jdbc;

    public JdbcLeadStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Lead l) {
        jdbc.update("INSERT INTO leads (id, account_id, first_name, last_name, email, email_lower, phone, stage, source,"
                        + " tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                l.leadId(), l.accountId(), l.firstName(), l.lastName(), l.email(), lower(l.email()), l.phone(),
                l.stage(), l.source(), Json.string(l.tags()), l.createTime(), l.updateTime());
    }

    @Override
    public Optional<Lead> find(long accountId, long leadId) {
        return jdbc.one("SELECT " + COLUMNS + " FROM leads WHERE id = ? AND account_id = ? AND deleted_at IS NULL",
                JdbcLeadStore::map, leadId, accountId);
    }

    @Override
    public List<Lead> list(LeadQuery q) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        args.add(q.limit());
        args.add(q.offset());
        return jdbc.list("SELECT " + COLUMNS + " FROM leads WHERE " + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                JdbcLeadStore::map, args.toArray());
    }

    @Override
    public long count(LeadQuery q) {
        List<Object> args = new ArrayList<>();
        return jdbc.count("SELECT COUNT(*) FROM leads WHERE " + where(q, args), args.toArray());
    }

    private static String where(LeadQuery q, List<Object> args) {
        StringBuilder w = new StringBuilder("account_id = ? AND deleted_at IS NULL");
        args.add(q.accountId());
        if (q.email() != null) {
            w.append(" AND email_lower = ?");
            args.add(lower(q.email()));
        }
        if (q.stage() != null) {
            w.append(" AND stage = ?");
            args.add(q.stage());
        }
        if (q.source() != null) {
            w.append(" AND source = ?");
            args.add(q.source());
        }
        if (q.key() != null) {
            String like = "%" + q.key().toLowerCase(Locale.ROOT)
                    .replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
            w.append(" AND (LOWER(first_name) LIKE ? ESCAPE '!' OR LOWER(last_name) LIKE ? ESCAPE '!'"
                    + " OR email_lower LIKE ? ESCAPE '!' OR LOWER(phone) LIKE ? ESCAPE '!')");
            args.add(like);
            args.add(like);
            args.add(like);
            args.add(like);
        }
        return w.toString();
    }

    @Override
    public boolean update(Lead l) {
        return jdbc.update("UPDATE leads SET first_name = ?, last_name = ?, email = ?, email_lower = ?, phone = ?,"
                        + " stage = ?, source = ?, tags = ?, updated_at = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL",
                l.firstName(), l.lastName(), l.email(), lower(l.email()), l.phone(), l.stage(), l.source(),
                Json.string(l.tags()), l.updateTime(), l.leadId(), l.accountId()) == 1;
    }

    @Override
    public boolean trash(long accountId, long leadId, String reason, Instant now) {
        return jdbc.update("UPDATE leads SET deleted_at = ?, delete_reason = ? WHERE id = ? AND account_id = ?"
                + " AND deleted_at IS NULL", now, reason, leadId, accountId) == 1;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static Lead map(ResultSet rs) throws SQLException {
        List<String> tags;
        try {
            tags = Json.MAPPER.readValue(rs.getString("tags"), STRINGS);
        } catch (JsonProcessingException e) {
            throw new SQLException("lead " + rs.getLong("id") + " has malformed tags", e);
        }
        return new Lead(rs.getLong("id"), rs.getLong("account_id"), rs.getString("first_name"), rs.getString("last_name"),
                rs.getString("email"), rs.getString("phone"), rs.getString("stage"), rs.getString("source"), tags,
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
    }
}
