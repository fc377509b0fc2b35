package io.gatehouse.retention;

import io.gatehouse.store.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what is finished and older than its retention (SPEC §1 {@code GATEHOUSE_RETENTION},
 * {@code GATEHOUSE_USAGE_RETENTION}, {@code GATEHOUSE_AUDIT_RETENTION}): expired codes, used and expired
 * refresh tokens, revoked grants and grants left without a token, revoked access tokens past their
 * expiry, expired sessions, flash messages, reset links and device codes, old revocation-log rows,
 * per-minute usage and audit events.
 *
 * <p>Each statement deletes at most {@link #BATCH} rows in its own short transaction, so no run holds
 * locks for long or grows a huge undo log, and requests go on meanwhile. Every delete names rows by a
 * condition that stays true once true, so running it twice, or on many nodes at once, deletes each row
 * once and nothing else. On PostgreSQL each batch also takes a transaction-scoped advisory lock: a node
 * that cannot get it leaves the run to the node that holds it.
 */
public final class RetentionJob {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    public static final int BATCH = 1_000;
    /** Per table and run, so one run ends even if rows arrive as fast as they go; the next run goes on. */
    private static final int MAX_BATCHES = 10_000;
    /** {@code pg_try_advisory_xact_lock} key: "gh-retention". */
    private static final long LOCK_KEY = 0x67682d726574L;

    /** How long finished things are kept. */
    public record Periods(Duration finished, Duration usage, Duration audit) {
    }

    /** One kind of finished row: those of {@code table} matching {@code condition} (one {@code ?}, the cutoff). */
    private record Sweep(String name, String table, String key, String condition, Function<Periods, Duration> period) {
        /**
         * At most {@link #BATCH} rows. PostgreSQL has no {@code DELETE … LIMIT}, so it deletes the keys a
         * limited select names (planned as an index range and a semi-join); H2 has the limit itself, and is
         * far slower with the sub-select.
         */
        String sql(boolean postgres) {
            return postgres
                    ? "DELETE FROM " + table + " WHERE (" + key + ") IN (SELECT " + key + " FROM " + table + " WHERE " + condition
                            + " LIMIT " + BATCH + ")"
                    : "DELETE FROM " + table + " WHERE " + condition + " FETCH FIRST " + BATCH + " ROWS ONLY";
        }
    }

    /** In an order that lets each delete go through (tokens before their grants). */
    private static final List<Sweep> SWEEPS = List.of(
            new Sweep("auth_codes", "auth_codes", "code_hash", "expires_at < ?", Periods::finished),
            new Sweep("refresh_tokens used", "refresh_tokens", "token_hash", "used_at < ?", Periods::finished),
            new Sweep("refresh_tokens expired", "refresh_tokens", "token_hash", "expires_at < ?", Periods::finished),
            new Sweep("refresh_tokens of revoked grants", "refresh_tokens", "token_hash",
                    "grant_id IN (SELECT id FROM grants WHERE revoked_at < ?)", Periods::finished),
            new Sweep("grants revoked", "grants", "id", "revoked_at < ?"
                    + " AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = grants.id)", Periods::finished),
            new Sweep("grants without tokens", "grants", "id", "created_at < ?"
                    + " AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = grants.id)", Periods::finished),
            new Sweep("revoked_access_tokens", "revoked_access_tokens", "jti", "expires_at < ?", Periods::finished),
            new Sweep("sessions", "sessions", "id_hash", "expires_at < ?", Periods::finished),
            new Sweep("portal_flash", "portal_flash", "id", "expires_at < ?", Periods::finished),
            new Sweep("password_resets", "password_resets", "token_hash", "expires_at < ?", Periods::finished),
            new Sweep("device_codes", "device_codes", "device_code_hash", "expires_at < ?", Periods::finished),
            new Sweep("revocation_log", "revocation_log", "id", "at < ?", Periods::finished),
            new Sweep("app_usage", "app_usage", "client_id, minute_start", "minute_start < ?", Periods::usage),
            new Sweep("audit_events", "audit_events", "id", "at < ?", Periods::audit));

    private final Jdbc jdbc;
    private final Clock clock;
    private final Periods periods;
    private Boolean postgres;

    public RetentionJob(Jdbc jdbc, Clock clock, Periods periods) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.periods = periods;
    }

    /** One run: every sweep until nothing older than its cutoff is left. Returns rows deleted per sweep. */
    public Map<String, Long> run() {
        Instant now = clock.instant();
        Map<String, Long> deleted = new LinkedHashMap<>();
        for (Sweep s : SWEEPS) {
            Instant cutoff = now.minus(s.period().apply(periods));
            long total = 0;
            for (int i = 0; i < MAX_BATCHES; i++) {
                int n = deleteBatch(s, cutoff);
                if (n < 0) {
                    LOG.debug("retention: another node is sweeping; this run stops");
                    return deleted;
                }
                total += n;
                if (n < BATCH) {
                    break;
                }
            }
            if (total > 0) {
                deleted.put(s.name(), total);
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("retention: deleted {}", deleted);
        }
        return deleted;
    }

    /** One batch in its own transaction; -1 when another node holds the sweep lock. */
    private int deleteBatch(Sweep s, Instant cutoff) {
        return jdbc.inTransaction(c -> {
            boolean pg = isPostgres(c);
            if (pg && !locked(c)) {
                return -1;
            }
            return Jdbc.update(c, s.sql(pg), cutoff);
        });
    }

    private boolean isPostgres(Connection c) throws SQLException {
        if (postgres == null) {
            postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        }
        return postgres;
    }

    private static boolean locked(Connection c) throws SQLException {
        return Jdbc.list(c, "SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), LOCK_KEY).get(0);
    }
}
