package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse apps …}: developers manage their apps; admins review them (through the admin API). */
@Command(name = "apps", description = "Register and manage apps; review them as an admin.",
        subcommands = {AppsCommand.ListApps.class, AppsCommand.Get.class, AppsCommand.Create.class, AppsCommand.Update.class,
            AppsCommand.RotateSecret.class, AppsCommand.Submit.class, AppsCommand.AddTestUser.class,
            AppsCommand.RemoveTestUser.class, AppsCommand.Usage.class, AppsCommand.Approve.class,
            AppsCommand.Decline.class, AppsCommand.SetLimit.class, AppsCommand.SetIntrospect.class})
public final class AppsCommand {
    static final List<Output.Column> COLUMNS = List.of(Output.Column.id("CLIENT ID", "client_id"),
            new Output.Column("NAME", "name"), new Output.Column("TYPE", "type"), new Output.Column("MODE", "mode"),
            new Output.Column("LIMIT/MIN", "rate_limit_per_minute"), new Output.Column("REVIEW", "review_status"),
            new Output.Column("PERMISSIONS", "permissions"), new Output.Column("PENDING", "pending_permissions"),
            new Output.Column("REDIRECT URIS", "redirect_uris"), new Output.Column("TEST USERS", "test_users"),
            new Output.Column("NOTE", "review_note"), new Output.Column("LOGOUT URIS", "post_logout_redirect_uris"),
            new Output.Column("ORIGINS", "allowed_origins"), new Output.Column("INTROSPECT", "introspect"));

    @Command(name = "list", description = "Your apps (or, with --pending, the admin review queue).")
    static final class ListApps extends CliCommand {
        @Option(names = "--pending", description = "Admin: apps waiting for review.")
        boolean pending;

        @Override
        void run() {
            JsonNode r = pending ? client().admin("GET", "/admin/v1/apps?status=pending", null) : client().call("GET", "/v1.0/apps", null);
            out().list(r, r.path("apps"), COLUMNS.subList(0, 7));
        }
    }

    @Command(name = "get", description = "Show an app.")
    static final class Get extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        void run() {
            JsonNode r = client().call("GET", "/v1.0/apps/" + clientId, null);
            out().object(r, r, COLUMNS);
        }
    }

    @Command(name = "create", description = "Register an app; a confidential app's secret is printed once.")
    static final class Create extends CliCommand {
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--description")
        String description;
        @Option(names = "--type", description = "confidential (default) or public.")
        String type;
        @Option(names = "--redirect-uri", required = true, description = "Repeat for several.")
        List<String> redirectUris;
        @Option(names = "--permission", description = "Repeat for several.")
        List<String> permissions;
        @Option(names = "--post-logout-redirect-uri", description = "Where OpenID Connect logout may return to. Repeat for several.")
        List<String> postLogoutRedirectUris;
        @Option(names = "--allowed-origin", description = "A browser origin allowed to call the token endpoint and the API (CORS). "
                + "Repeat for several.")
        List<String> allowedOrigins;

        @Override
        void run() {
            ObjectNode b = CliJson.object();
            if (postLogoutRedirectUris != null) {
                b.set("post_logout_redirect_uris", CliJson.MAPPER.valueToTree(postLogoutRedirectUris));
            }
            if (allowedOrigins != null) {
                b.set("allowed_origins", CliJson.MAPPER.valueToTree(allowedOrigins));
            }
            b.put("name", name);
            b.put("description", description == null ? "" : description);
            b.put("type", type == null ? "confidential" : type);
            b.set("redirect_uris", CliJson.MAPPER.valueToTree(redirectUris));
            b.set("permissions", CliJson.MAPPER.valueToTree(permissions == null ? List.of() : permissions));
            JsonNode r = client().call("POST", "/v1.0/apps", b);
            if (r.hasNonNull("client_secret")) {
                err().println("The client secret is shown only now: " + r.get("client_secret").asText());
            }
            out().object(r, r, COLUMNS);
        }
    }

    @Command(name = "update", description = "Change an app's name, description, redirect URIs, permissions, logout URIs or origins.")
    static final class Update extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;
        @Option(names = "--name")
        String name;
        @Option(names = "--description")
        String description;
        @Option(names = "--redirect-uri")
        List<String> redirectUris;
        @Option(names = "--permission")
        List<String> permissions;
        @Option(names = "--post-logout-redirect-uri", description = "Replaces the list. Repeat for several.")
        List<String> postLogoutRedirectUris;
        @Option(names = "--allowed-origin", description = "Replaces the list. Repeat for several.")
        List<String> allowedOrigins;

        @Override
        void run() {
            ObjectNode b = CliJson.object();
            if (postLogoutRedirectUris != null) {
                b.set("post_logout_redirect_uris", CliJson.MAPPER.valueToTree(postLogoutRedirectUris));
            }
            if (allowedOrigins != null) {
                b.set("allowed_origins", CliJson.MAPPER.valueToTree(allowedOrigins));
            }
            if (name != null) {
                b.put("name", name);
            }
            if (description != null) {
                b.put("description", description);
            }
            if (redirectUris != null) {
                b.set("redirect_uris", CliJson.MAPPER.valueToTree(redirectUris));
            }
            if (permissions != null) {
                b.set("permissions", CliJson.MAPPER.valueToTree(permissions));
            }
            JsonNode r = client().call("PATCH", "/v1.0/apps/" + clientId, b);
            out().object(r, r, COLUMNS);
        }
    }

    @Command(name = "rotate-secret", description = "Replace the client secret; the new one is printed once.")
    static final class RotateSecret extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        void run() {
            JsonNode r = client().call("POST", "/v1.0/apps/" + clientId + "/secret", null);
            out().message(r, r.path("client_secret").asText());
        }
    }

    @Command(name = "submit", description = "Ask for review (to reach production).")
    static final class Submit extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        void run() {
            JsonNode r = client().call("POST", "/v1.0/apps/" + clientId + "/submit", null);
            out().message(r, "App " + clientId + " is " + r.path("review_status").asText() + ".");
        }
    }

    @Command(name = "add-test-user", description = "Invite an account to test your app while it is in development"
            + " (it accepts in the portal, under Invitations).")
    static final class AddTestUser extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;
        @Option(names = "--email", required = true)
        String email;

        @Override
        void run() {
            ObjectNode b = CliJson.object().put("email", email);
            JsonNode r = client().call("POST", "/v1.0/apps/" + clientId + "/test-users", b);
            out().message(r, "Invited " + email + " to test " + clientId + " (invitation " + Output.cell(r, "id")
                    + "); they accept it in the portal, under Invitations.");
        }
    }

    @Command(name = "remove-test-user", description = "Remove a test user by account id.")
    static final class RemoveTestUser extends CliCommand {
        @Parameters(index = "0", paramLabel = "CLIENT_ID")
        String clientId;
        @Parameters(index = "1", paramLabel = "ACCOUNT_ID")
        long accountId;

        @Override
        void run() {
            JsonNode r = client().call("DELETE", "/v1.0/apps/" + clientId + "/test-users/" + accountId, null);
            out().message(r, "Test users of " + clientId + ": " + Output.cell(r, "test_users"));
        }
    }

    @Command(name = "usage", description = "Requests and 429s per minute over the last hour.")
    static final class Usage extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        void run() {
            JsonNode r = client().call("GET", "/v1.0/apps/" + clientId + "/usage", null);
            out().list(r, r.path("minutes"), List.of(new Output.Column("MINUTE", "minute"),
                    new Output.Column("REQUESTS", "requests"), new Output.Column("429s", "rejected")));
        }
    }

    @Command(name = "approve", description = "Admin: approve an app (production, 500 requests/min).")
    static final class Approve extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        void run() {
            JsonNode r = client().admin("POST", "/admin/v1/apps/" + clientId + "/approve", null);
            out().message(r, "App " + clientId + " is in " + r.path("mode").asText() + " at "
                    + r.path("rate_limit_per_minute").asInt() + " requests/min.");
        }
    }

    @Command(name = "decline", description = "Admin: decline an app with a note the developer sees.")
    static final class Decline extends CliCommand {
        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;
        @Option(names = "--note", required = true)
        String note;

        @Override
        void run() {
            JsonNode r = client().admin("POST", "/admin/v1/apps/" + clientId + "/decline", CliJson.object().put("note", note));
            out().message(r, "App " + clientId + " declined.");
        }
    }

    @Command(name = "set-limit", description = "Admin: set an app's requests per minute ('default' for its mode's).")
    static final class SetLimit extends CliCommand {
        @Parameters(index = "0", paramLabel = "CLIENT_ID")
        String clientId;
        @Parameters(index = "1", paramLabel = "LIMIT")
        String limit;

        @Override
        void run() {
            ObjectNode b = CliJson.object();
            if ("default".equals(limit)) {
                b.putNull("rate_limit_per_minute");
            } else {
                try {
                    b.put("rate_limit_per_minute", Integer.parseInt(limit));
                } catch (NumberFormatException e) {
                    throw new CliException(CliException.USAGE, "LIMIT must be a number or 'default'");
                }
            }
            JsonNode r = client().admin("PATCH", "/admin/v1/apps/" + clientId, b);
            out().message(r, "App " + clientId + ": " + r.path("rate_limit_per_minute").asInt() + " requests/min.");
        }
    }

    @Command(name = "set-introspect", description = "Admin: let an app (a resource server) introspect every token (true),"
            + " or only its own (false).")
    static final class SetIntrospect extends CliCommand {
        @Parameters(index = "0", paramLabel = "CLIENT_ID")
        String clientId;
        @Parameters(index = "1", paramLabel = "true|false")
        String value;

        @Override
        void run() {
            if (!"true".equals(value) && !"false".equals(value)) {
                throw new CliException(CliException.USAGE, "the second argument must be true or false");
            }
            JsonNode r = client().admin("PATCH", "/admin/v1/apps/" + clientId,
                    CliJson.object().put("introspect", Boolean.parseBoolean(value)));
            out().message(r, "App " + clientId + (r.path("introspect").asBoolean()
                    ? " may introspect every token." : " may introspect only its own tokens."));
        }
    }
}
