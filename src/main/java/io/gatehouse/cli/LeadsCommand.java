package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse leads …}: the built-in leads API. */
@Command(name = "leads", description = "List, read, create, change, delete and export leads.",
        subcommands = {LeadsCommand.ListLeads.class, LeadsCommand.Get.class, LeadsCommand.Create.class,
            LeadsCommand.Update.class, LeadsCommand.Delete.class, LeadsExportCommand.class})
public final class LeadsCommand {
    static final List<Output.Column> COLUMNS = List.of(Output.Column.id("ID", "leadId"),
            new Output.Column("FIRST NAME", "firstName"), new Output.Column("LAST NAME", "lastName"),
            new Output.Column("EMAIL", "email"), new Output.Column("PHONE", "phone"), new Output.Column("STAGE", "stage"),
            new Output.Column("SOURCE", "source"), new Output.Column("TAGS", "tags"), new Output.Column("CREATED", "createTime"));

    /** The filters list and export share. */
    static class Filters {
        @Option(names = "--email", description = "Exact email (any case).")
        String email;
        @Option(names = "--stage")
        String stage;
        @Option(names = "--source")
        String source;
        @Option(names = "--key", description = "Free-text search in names, email and phone.")
        String key;

        /** /v1.0/leads with these filters (and {@code extra} name/value pairs) in the query. */
        String path(Object... extra) {
            List<String> q = new ArrayList<>();
            for (int i = 0; i < extra.length; i += 2) {
                add(q, (String) extra[i], extra[i + 1]);
            }
            add(q, "email", email);
            add(q, "stage", stage);
            add(q, "source", source);
            add(q, "key", key);
            return "/v1.0/leads" + (q.isEmpty() ? "" : "?" + String.join("&", q));
        }

        private static void add(List<String> q, String name, Object v) {
            if (v != null) {
                q.add(name + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
        }
    }

    @Command(name = "list", description = {"List leads, newest first: one page (--limit, --offset), or --all of them.",
        "With --all, a progress line shows on stderr while it pages, when stderr is a terminal."})
    static final class ListLeads extends CliCommand {
        @Option(names = "--limit", description = "1 to 100 (default 10).")
        Integer limit;
        @Option(names = "--offset", description = "Skip this many (default 0).")
        Integer offset;
        @Option(names = "--all", description = "Every lead, fetched 100 at a time (for very many, see 'leads export').")
        boolean all;
        @picocli.CommandLine.Mixin
        Filters filters;

        @Override
        void run() {
            if (!all) {
                JsonNode r = client().call("GET", filters.path("limit", limit, "offset", offset), null);
                out().list(r, r.path("leads"), COLUMNS);
                return;
            }
            if (limit != null) {
                throw new CliException(CliException.USAGE, "--all fetches every page; leave out --limit");
            }
            ArrayNode leads = CliJson.MAPPER.createArrayNode();
            int start = offset == null ? 0 : offset;
            new Pages(client(), terminal()).each(filters.path(), start, "leads", "leadId", leads::add);
            ObjectNode whole = CliJson.object();
            whole.putObject("get_metadata").put("collection", "leads").put("limit", leads.size()).put("offset", start)
                    .put("total", start + leads.size());
            whole.set("leads", leads);
            out().list(whole, leads, COLUMNS);
        }
    }

    @Command(name = "get", description = "Show one lead.")
    static final class Get extends CliCommand {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        void run() {
            JsonNode r = client().call("GET", "/v1.0/leads/" + id, null);
            out().object(r, r.path("lead"), COLUMNS);
        }
    }

    /** The fields both create and update take. */
    static class Fields {
        @Option(names = "--first-name")
        String firstName;
        @Option(names = "--last-name")
        String lastName;
        @Option(names = "--email")
        String email;
        @Option(names = "--phone")
        String phone;
        @Option(names = "--stage")
        String stage;
        @Option(names = "--source")
        String source;
        @Option(names = "--tag", description = "A tag (repeat for several).")
        List<String> tags;

        ObjectNode body() {
            ObjectNode b = CliJson.object();
            put(b, "firstName", firstName);
            put(b, "lastName", lastName);
            put(b, "email", email);
            put(b, "phone", phone);
            put(b, "stage", stage);
            put(b, "source", source);
            if (tags != null) {
                b.set("tags", CliJson.MAPPER.valueToTree(tags));
            }
            return b;
        }

        private static void put(ObjectNode b, String name, String v) {
            if (v != null) {
                b.put(name, v);
            }
        }
    }

    @Command(name = "create", description = "Create a lead (--first-name is required).")
    static final class Create extends CliCommand {
        @picocli.CommandLine.Mixin
        Fields fields;

        @Override
        void run() {
            JsonNode r = client().call("POST", "/v1.0/leads", fields.body());
            out().message(r, r.path("leadId").asText());
        }
    }

    @Command(name = "update", description = "Change the fields given; the others keep their values.")
    static final class Update extends CliCommand {
        @Parameters(paramLabel = "ID")
        long id;
        @picocli.CommandLine.Mixin
        Fields fields;

        @Override
        void run() {
            JsonNode r = client().call("PUT", "/v1.0/leads/" + id, fields.body());
            out().object(r, r.path("lead"), COLUMNS);
        }
    }

    @Command(name = "delete", description = "Move a lead to the trash.")
    static final class Delete extends CliCommand {
        @Parameters(paramLabel = "ID")
        long id;
        @Option(names = "--reason", required = true)
        String reason;

        @Override
        void run() {
            JsonNode r = client().call("DELETE", "/v1.0/leads/" + id + "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8), null);
            out().message(r, "Lead " + id + " moved to the trash.");
        }
    }
}
