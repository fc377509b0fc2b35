package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse keys …}: your API keys (with your credential), or any account's with
 * {@code --account ID} through the admin API.
 */
@Command(name = "keys", description = "Manage API keys.",
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.Create.class, KeysCommand.Revoke.class})
public final class KeysCommand {
    static final List<Output.Column> COLUMNS = List.of(Output.Column.id("ID", "id"), new Output.Column("NAME", "name"),
            new Output.Column("STATUS", "status"), new Output.Column("CREATED", "created_at"),
            new Output.Column("EXPIRES", "expires_at"), new Output.Column("LAST USED", "last_used_at"),
            new Output.Column("DESCRIPTION", "description"));

    @Command(name = "list", description = "List keys (never the keys themselves).")
    static final class ListKeys extends CliCommand {
        @Option(names = "--account", description = "Admin: this account's keys.")
        Long account;

        @Override
        void run() {
            JsonNode r = account == null ? client().call("GET", "/v1.0/me/api-keys", null)
                    : client().admin("GET", "/admin/v1/accounts/" + account + "/api-keys", null);
            out().list(r, r.path("api_keys"), COLUMNS);
        }
    }

    @Command(name = "create", description = "Create a key; it is printed once.")
    static final class Create extends CliCommand {
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--description")
        String description;
        @Option(names = "--expires", description = "RFC 3339 time, or a date (00:01 UTC that day).")
        String expires;
        @Option(names = "--account", description = "Admin: create it for this account.")
        Long account;

        @Override
        void run() {
            ObjectNode b = CliJson.object();
            b.put("name", name);
            if (description != null) {
                b.put("description", description);
            }
            if (expires != null) {
                b.put("expires_at", expires);
            }
            JsonNode r = account == null ? client().call("POST", "/v1.0/me/api-keys", b)
                    : client().admin("POST", "/admin/v1/accounts/" + account + "/api-keys", b);
            err().println("Key " + r.path("id").asText() + " created. It is shown only now; store it safely: it acts as the account.");
            out().message(r, r.path("key").asText());
        }
    }

    @Command(name = "revoke", description = "Revoke a key (final).")
    static final class Revoke extends CliCommand {
        @Parameters(paramLabel = "ID")
        long id;
        @Option(names = "--admin", description = "Admin: revoke any account's key.")
        boolean admin;

        @Override
        void run() {
            JsonNode r = admin ? client().admin("DELETE", "/admin/v1/api-keys/" + id, null)
                    : client().call("DELETE", "/v1.0/me/api-keys/" + id, null);
            out().message(r, "Key " + id + " is " + r.path("status").asText() + ".");
        }
    }
}
