package io.gatehouse.portal;

import io.gatehouse.account.Account;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditQuery;
import io.gatehouse.audit.AuditType;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPEC §8/§9 v2: {@code /portal/security}, the account's own audit events, and the admin page with
 * the admin API's filters. Both page newest first with the event id as cursor, like the admin API.
 */
final class SecurityPages {
    static final int PAGE = 50;
    private final Portal portal;
    private final Audit audit;

    SecurityPages(Portal portal, Audit audit) {
        this.portal = portal;
        this.audit = audit;
    }

    record Row(String time, String type, String actor, String ip, String clientId, String requestId, String details) {
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/security", Route.Access.SESSION, null, ex -> {
            Account a = portal.account(ex);
            Long before = cursor(ex, a);
            List<AuditEvent> page = audit.find(AuditQuery.forAccount(a.id(), before, PAGE + 1));
            render(ex, a, "Security log", page, Map.of(), "/portal/security");
        }));
        r.add(new Route("GET", "/portal/admin/audit", Route.Access.SESSION, null, ex -> {
            Account a = portal.requireAdmin(ex);
            Map<String, String> filters = new LinkedHashMap<>();
            for (String name : List.of("account", "actor", "client_id", "type", "since", "until")) {
                String v = ex.query(name);
                if (v != null && !v.isBlank()) {
                    filters.put(name, v.strip());
                }
            }
            AuditQuery q;
            try {
                String type = filters.get("type");
                if (type != null && AuditType.ofWire(type).isEmpty()) {
                    throw new IllegalArgumentException("type is not a known audit event type");
                }
                q = new AuditQuery(limited(filters.get("actor")), number(filters.get("account"), "account"),
                        limited(filters.get("client_id")), type, time(filters.get("since"), "since"),
                        time(filters.get("until"), "until"), cursor(ex, a), PAGE + 1);
            } catch (IllegalArgumentException e) {
                portal.message(ex, 400, a, "Audit log", e.getMessage());
                return;
            }
            render(ex, a, "Audit log", audit.find(q), filters, "/portal/admin/audit");
        }));
    }

    private void render(Exchange ex, Account a, String title, List<AuditEvent> page, Map<String, String> filters, String self) {
        boolean more = page.size() > PAGE;
        List<AuditEvent> events = more ? page.subList(0, PAGE) : page;
        List<Row> rows = events.stream().map(e -> new Row(e.time().toString(), e.type(), e.actor() == null ? "" : e.actor(),
                e.ip() == null ? "" : e.ip(), e.clientId() == null ? "" : e.clientId(), e.requestId() == null ? "" : e.requestId(),
                e.details() == null ? "" : e.details().toString())).toList();
        String next = null;
        if (more) {
            StringBuilder q = new StringBuilder(self).append('?');
            filters.forEach((k, v) -> q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
            next = q.append("cursor=").append(events.get(events.size() - 1).id()).toString();
        }
        Portal.render(ex, 200, "security.jte", Portal.model("chrome", portal.chrome(ex, title, a), "title", title,
                "rows", rows, "next", next, "admin", self.startsWith("/portal/admin"), "filters", filters,
                "types", Arrays.stream(AuditType.values()).map(AuditType::wire).toList()));
    }

    private Long cursor(Exchange ex, Account a) {
        String v = ex.query("cursor");
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            long c = Long.parseLong(v.strip());
            if (c > 0) {
                return c;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        portal.message(ex, 400, a, "Security log", "cursor is not valid; follow the \"Older\" link.");
        throw new io.gatehouse.http.Answered();
    }

    private static String limited(String v) {
        if (v != null && (v.length() > 64 || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("a filter is not valid");
        }
        return v;
    }

    private static Long number(String v, String name) {
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an account id");
        }
    }

    private static Instant time(String v, String name) {
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z");
        }
    }
}
