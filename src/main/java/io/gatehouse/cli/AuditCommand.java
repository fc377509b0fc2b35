package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse audit}: the audit log, newest first, through the admin API ({@code GET /admin/v1/audit}). */
@Command(name = "audit", description = "Admin: the audit log, newest first (who did what, from where, in which request).")
public final class AuditCommand extends CliCommand {
    static final List<Output.Column> COLUMNS = List.of(Output.Column.id("ID", "id"), new Output.Column("TIME", "time"),
            new Output.Column("TYPE", "type"), new Output.Column("ACTOR", "actor"), new Output.Column("ACCOUNT", "account_id"),
            new Output.Column("CLIENT ID", "client_id"), new Output.Column("IP", "ip"),
            new Output.Column("REQUEST ID", "request_id"), new Output.Column("DETAILS", "details"));

    @Option(names = "--actor", description = "An account id, 'admin' or 'system'.")
    String actor;
    @Option(names = "--account", description = "Events about this account id.")
    String account;
    @Option(names = "--client-id", description = "Events about this app.")
    String clientId;
    @Option(names = "--type", description = "One event type, e.g. key.revoked.")
    String type;
    @Option(names = "--since", description = "RFC 3339 time, e.g. 2026-11-28T00:00:00Z.")
    String since;
    @Option(names = "--until", description = "RFC 3339 time.")
    String until;
    @Option(names = "--limit", description = "Events per page, 1-100 (default 50).")
    Integer limit;
    @Option(names = "--cursor", description = "The next_cursor of the previous page.")
    String cursor;

    @Override
    void run() {
        JsonNode r = client().admin("GET", "/admin/v1/audit" + query(), null);
        out().list(r, r.path("events"), COLUMNS);
        JsonNode next = r.path("next_cursor");
        if (!next.isMissingNode() && !next.isNull()) {
            err().println("More: gatehouse audit --cursor " + next.asText() + " (with the same filters)");
        }
    }

    private String query() {
        List<String> q = new ArrayList<>();
        add(q, "actor", actor);
        add(q, "account", account);
        add(q, "client_id", clientId);
        add(q, "type", type);
        add(q, "since", since);
        add(q, "until", until);
        add(q, "limit", limit == null ? null : limit.toString());
        add(q, "cursor", cursor);
        return q.isEmpty() ? "" : "?" + String.join("&", q);
    }

    private static void add(List<String> q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
