package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse leads …}: the built-in leads API. */
@Command(name = "leads", description = "List, read, create, change and delete leads.", mixinStandardHelpOptions = true,
        subcommands = {LeadsCommand.ListLeads.class, LeadsCommand.Get.class, LeadsCommand.Create.class,
            LeadsCommand.Update.class, LeadsCommand.Delete.class})
public final class LeadsCommand {
    static final List<Output.Column> COLUMNS = List.of(new Output.Column("ID", "leadId"),
            new Output.Column("FIRST NAME", "firstName"), new Output.Column("LAST NAME", "lastName"),
            new Output.Column("EMAIL", "email"), new Output.Column("PHONE", "phone"), new Output.Column("STAGE", "stage"),
            new Output.Column("SOURCE", "source"), new Output.Column("TAGS", "tags"), new Output.Column("CREATED", "createTime"));

    @Command(name = "list", description = "List leads, newest first.")
    static final class ListLeads extends CliCommand {
        @Option(names = "--limit", description = "1 to 100 (default 10).")
        Integer limit;
        @Option(names = "--offset")
        Integer offset;
        @Option(names = "--email")
        String email;
        @Option(names = "--stage")
        String stage;
        @Option(names = "--source")
        String source;
        @Option(names = "--key", description = "Free-text search.")
        String key;

        @Override
        void run() {
            List<String> q = new ArrayList<>();
            add(q, "limit", limit);
            add(q, "offset", offset);
            add(q, "email", email);
            add(q, "stage", stage);
            add(q, "source", source);
            add(q, "key", key);
            JsonNode r = client().call("GET", "/v1.0/leads" + (q.isEmpty() ? "" : "?" + String.join("&", q)), null);
            out().list(r, r.path("leads"), COLUMNS);
        }

        private static void add(List<String> q, String name, Object v) {
            if (v != null) {
                q.add(name + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
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
            ObjectNode b = Json.MAPPER.createObjectNode();
            put(b, "firstName", firstName);
            put(b, "lastName", lastName);
            put(b, "email", email);
            put(b, "phone", phone);
            put(b, "stage", stage);
            put(b, "source", source);
            if (tags != null) {
                b.set("tags", Json.MAPPER.valueToTree(tags));
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
