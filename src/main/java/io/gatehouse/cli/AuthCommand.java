package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse auth …}: storing, obtaining, inspecting and forgetting credentials (SPEC §10).
 * A new way to log in is one more class in {@code subcommands}.
 */
@Command(name = "auth", description = "Log in and manage stored credentials.",
        subcommands = {AuthCommand.Set.class, AuthCommand.Show.class, AuthCommand.Remove.class, AuthCommand.Login.class,
            LoginBrowserCommand.class, LoginDeviceCommand.class, AuthCommand.LoginSession.class, AuthStatusCommand.class,
            AuthCommand.Logout.class, AuthCommand.Test.class})
public final class AuthCommand {

    @Command(name = "set", description = "Store the customer key (your API key) in ~/.config/gatehouse (mode 0600).")
    static final class Set extends CliCommand {
        @Parameters(paramLabel = "<customer-key>", description = "An API key from the portal (Settings → API keys).")
        String key;

        @Override
        void run() {
            if (key.isBlank() || key.contains(" ")) {
                throw new CliException(CliException.USAGE, "that does not look like a key");
            }
            store().customerKey(key.strip());
            err().println("Customer key " + CredentialText.mask(key.strip()) + " stored in " + store().dir().resolve(CredentialStore.CREDENTIALS));
            ObjectNode login = client().credentials().cachedLogin();
            if (login != null) {
                err().println("Commands use the cached " + TokenCache.how(login) + " first; 'gatehouse auth logout' forgets it.");
            }
        }
    }

    @Command(name = "show", description = "Show the stored credentials, masked as <key id> …<last 4> unless --raw.")
    static final class Show extends CliCommand {
        @Option(names = "--raw", description = "Show the values in full.")
        boolean raw;

        @Override
        void run() {
            String key = store().customerKey();
            ObjectNode token = store().token();
            ObjectNode view = CliJson.object();
            view.put("customer_key", shown(key));
            if (token != null) {
                view.put("token_source", token.path("source").asText());
                view.put("access_token", shown(token.path("access_token").asText()));
                view.put("refresh_token", shown(token.path("refresh_token").asText(null)));
                view.put("client_id", token.path("client_id").asText());
                view.put("client_secret", shown(token.path("client_secret").asText(null)));
                view.put("login_customer_key", shown(token.path("customer_key").asText(null)));
                view.put("expires_at", Instant.ofEpochSecond(token.path("expires_at").asLong()).toString());
                view.put("base_url", token.path("base_url").asText());
            }
            out().object(view, view, List.of(new Output.Column("Customer key", "customer_key"),
                    new Output.Column("Token source", "token_source"), new Output.Column("Access token", "access_token"),
                    new Output.Column("Refresh token", "refresh_token"), new Output.Column("App", "client_id"),
                    new Output.Column("Client secret", "client_secret"), new Output.Column("Login's key", "login_customer_key"),
                    new Output.Column("Expires", "expires_at"), new Output.Column("Server", "base_url")));
        }

        private String shown(String secret) {
            return secret == null ? null : raw ? secret : CredentialText.mask(secret);
        }
    }

    @Command(name = "remove", description = "Forget the stored customer key.")
    static final class Remove extends CliCommand {
        @Override
        void run() {
            store().removeCustomerKey();
            err().println("Customer key removed.");
        }
    }

    @Command(name = "login", description = {"Client credentials: GATEHOUSE_CLIENT_ID, GATEHOUSE_CLIENT_SECRET and the customer key.",
        "Stores the client id and secret with the token (mode 0600), so the login renews itself when the token expires."})
    static final class Login extends CliCommand {
        @Override
        void run() {
            String clientId = g().env("GATEHOUSE_CLIENT_ID");
            String secret = g().env("GATEHOUSE_CLIENT_SECRET");
            String key = client().credentials().customerKey();
            if (clientId == null || secret == null) {
                throw new CliException(CliException.USAGE, "auth login needs GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET");
            }
            if (key == null) {
                throw new CliException(CliException.USAGE, "auth login needs a customer key: 'gatehouse auth set <key>' or GATEHOUSE_CUSTOMER_KEY");
            }
            ObjectNode t = client().credentials().logIn(new TokenCache.Login("client_credentials", clientId, secret, key, null), true);
            printLoggedIn(this, t);
        }
    }

    @Command(name = "login-session", description = "Post a session id to a token URL that answers with an OAuth token response.")
    static final class LoginSession extends CliCommand {
        @Option(names = "--tokenurl", paramLabel = "URL", description = "The token URL (default: $GATEHOUSE_TOKEN_URL).")
        String tokenUrl;

        @Option(names = "--sessionid", paramLabel = "ID", description = "The session id (default: $GATEHOUSE_SESSION_ID).")
        String sessionId;

        @Override
        void run() {
            String url = tokenUrl != null ? tokenUrl : g().env("GATEHOUSE_TOKEN_URL");
            String sid = sessionId != null ? sessionId : g().env("GATEHOUSE_SESSION_ID");
            if (url == null || sid == null) {
                throw new CliException(CliException.USAGE, "login-session needs --tokenurl and --sessionid "
                        + "(or GATEHOUSE_TOKEN_URL and GATEHOUSE_SESSION_ID)");
            }
            ObjectNode t = client().tokenRequests().post(url, TokenRequests.form("session_id", sid), null);
            ObjectNode saved = client().tokens().save(CredentialStore.TOKEN,
                    new TokenCache.Login("session", null, null, null, url), t, Map.of());
            printLoggedIn(this, saved);
        }
    }

    @Command(name = "logout", description = "Forget everything stored: the customer key, the cached login and its client secret.")
    static final class Logout extends CliCommand {
        @Override
        void run() {
            store().removeToken();
            store().delete(CredentialStore.ENV_TOKEN);
            store().removeCustomerKey();
            err().println("Forgot all stored credentials in " + store().dir());
        }
    }

    @Command(name = "test", description = "Call GET /v1.0/me with the current credential; exit 3 if it is refused.")
    static final class Test extends CliCommand {
        @Override
        void run() {
            Credentials.Credential cred = client().credentials().resolve();
            JsonNode me = client().call(cred, "GET", "/v1.0/me", null);
            out().message(me, "OK: " + cred.description() + " works for " + me.path("email").asText()
                    + " (account " + me.path("id").asText() + ")");
        }
    }

    static void printLoggedIn(CliCommand cmd, ObjectNode token) {
        JsonNode app = token.path("app_info");
        boolean renews = token.hasNonNull("refresh_token") || token.hasNonNull("client_secret");
        cmd.err().println("Logged in with app " + app.path("name").asText(token.path("client_id").asText()) + " ("
                + token.path("client_id").asText() + (app.has("mode") ? ", " + app.path("mode").asText() + " mode, "
                + app.path("rate_limit_per_minute").asInt() + " requests/min" : "") + "); the token expires "
                + Instant.ofEpochSecond(token.path("expires_at").asLong())
                + (renews ? " and is renewed automatically." : "; log in again then."));
    }
}
