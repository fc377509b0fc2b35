package io.gatehouse.audit;

import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SPEC §9: {@code GET /admin/v1/audit}, newest first, filtered, paged by an opaque cursor. */
public final class AuditEndpoints {
    public static final int MAX_LIMIT = 100;
    private final Audit audit;

    public AuditEndpoints(Audit audit) {
        this.audit = audit;
    }

    public void register(Router router) {
        router.add(new Route("GET", "/admin/v1/audit", Route.Access.CREDENTIAL, null, this::list));
    }

    private void list(Exchange ex) {
        String type = text(ex, "type", 64);
        if (type != null && AuditType.ofWire(type).isEmpty()) {
            throw ApiException.invalid("type is not a known audit event type");
        }
        AuditQuery q = new AuditQuery(text(ex, "actor", 64), id(ex, "account"), text(ex, "client_id", 64), type,
                time(ex, "since"), time(ex, "until"), cursor(ex), limit(ex));
        List<AuditEvent> page = audit.find(new AuditQuery(q.actor(), q.accountId(), q.clientId(), q.type(), q.since(),
                q.until(), q.before(), q.limit() + 1));
        boolean more = page.size() > q.limit();
        List<AuditEvent> events = more ? page.subList(0, q.limit()) : page;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", events.stream().map(AuditEndpoints::view).toList());
        body.put("next_cursor", more ? Long.toString(events.get(events.size() - 1).id()) : null);
        ex.json(200, body);
    }

    /** The JSON shape of one event (SPEC §9), shared by every page that shows events. */
    public static Map<String, Object> view(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("time", e.time());
        m.put("type", e.type());
        m.put("actor", e.actor());
        m.put("account_id", e.accountId());
        m.put("client_id", e.clientId());
        m.put("ip", e.ip());
        m.put("request_id", e.requestId());
        m.put("details", e.details());
        return m;
    }

    private static String text(Exchange ex, String name, int max) {
        String v = ex.query(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.length() > max || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.invalid(name + " is not valid");
        }
        return v.strip();
    }

    private static Long id(Exchange ex, String name) {
        String v = text(ex, name, 20);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name + " must be an account id");
        }
    }

    private static Long cursor(Exchange ex) {
        String v = text(ex, "cursor", 20);
        if (v == null) {
            return null;
        }
        try {
            long c = Long.parseLong(v);
            if (c <= 0) {
                throw new NumberFormatException();
            }
            return c;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("cursor is not valid; pass the next_cursor of the previous page");
        }
    }

    private static Instant time(Exchange ex, String name) {
        String v = text(ex, name, 40);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name + " must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z");
        }
    }

    private static int limit(Exchange ex) {
        String v = text(ex, "limit", 10);
        if (v == null) {
            return 50;
        }
        try {
            int l = Integer.parseInt(v);
            if (l >= 1 && l <= MAX_LIMIT) {
                return l;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new ApiException(ApiError.LIMIT_NOT_VALID, "limit must be between 1 and " + MAX_LIMIT);
    }
}
