package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.FormData;
import io.gatehouse.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse auth …}: storing, obtaining, inspecting and forgetting credentials (SPEC §10). */
@Command(name = "auth", description = "Log in and manage stored credentials.", mixinStandardHelpOptions = true,
        subcommands = {AuthCommand.Set.class, AuthCommand.Show.class, AuthCommand.Remove.class, AuthCommand.Login.class,
            AuthCommand.LoginBrowser.class, AuthCommand.LoginSession.class, AuthCommand.Status.class,
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
            err().println("Customer key " + ApiClient.mask(key) + " stored in " + store().dir().resolve("credentials.json"));
        }
    }

    @Command(name = "show", description = "Show the stored credentials (masked unless --raw).")
    static final class Show extends CliCommand {
        @Option(names = "--raw", description = "Show the values in full.")
        boolean raw;

        @Override
        void run() {
            String key = store().customerKey();
            ObjectNode token = store().token();
            ObjectNode view = Json.MAPPER.createObjectNode();
            view.put("customer_key", key == null ? null : raw ? key : ApiClient.mask(key));
            if (token != null) {
                view.put("token_source", token.path("source").asText());
                view.put("access_token", raw ? token.path("access_token").asText() : ApiClient.mask(token.path("access_token").asText()));
                view.put("client_id", token.path("client_id").asText());
                view.put("expires_at", Instant.ofEpochSecond(token.path("expires_at").asLong()).toString());
                view.put("base_url", token.path("base_url").asText());
            }
            out().object(view, view, java.util.List.of(new Output.Column("Customer key", "customer_key"),
                    new Output.Column("Token source", "token_source"), new Output.Column("Access token", "access_token"),
                    new Output.Column("App", "client_id"), new Output.Column("Expires", "expires_at"),
                    new Output.Column("Server", "base_url")));
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

    @Command(name = "login", description = "Client credentials: GATEHOUSE_CLIENT_ID, GATEHOUSE_CLIENT_SECRET and the customer key.")
    static final class Login extends CliCommand {
        @Override
        void run() {
            client().loginWithClientCredentials(client().customerKey());
            printLoggedIn(this, store().token());
        }
    }

    @Command(name = "login-browser", description = "Authorization code + PKCE through your browser and a loopback redirect.")
    static final class LoginBrowser extends CliCommand {
        @Option(names = "--client-id", description = "The app to log in with (default: $GATEHOUSE_CLIENT_ID).")
        String clientId;

        @Option(names = "--timeout", description = "Seconds to wait for the browser (default: ${DEFAULT-VALUE}).", defaultValue = "300")
        int timeout;

        @Option(names = "--no-browser", description = "Only print the URL; do not try to open a browser.")
        boolean noBrowser;

        @Override
        void run() throws Exception {
            String id = clientId != null ? clientId : g().env("GATEHOUSE_CLIENT_ID");
            if (id == null) {
                throw new CliException(CliException.USAGE, "login-browser needs --client-id or GATEHOUSE_CLIENT_ID");
            }
            String verifier = random(32);
            String state = random(16);
            CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/callback", ex -> {
                String q = ex.getRequestURI().getRawQuery();
                Map<String, String> params = FormData.parse(q == null ? "" : q);
                boolean ok = state.equals(params.get("state")) && params.containsKey("code");
                byte[] page = (ok ? "<!doctype html><p>Logged in to Gatehouse. You can close this window.</p>"
                        : "<!doctype html><p>Login did not complete. Return to your terminal.</p>").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(ok ? 200 : 400, page.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(page);
                }
                if (state.equals(params.get("state"))) {
                    callback.complete(params);
                }
            });
            server.start();
            try {
                String redirect = "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
                String url = g().baseUrl() + "/oauth/authorize?response_type=code&client_id=" + enc(id)
                        + "&redirect_uri=" + enc(redirect) + "&state=" + state + "&code_challenge=" + s256(verifier)
                        + "&code_challenge_method=S256";
                err().println("Open this URL in a browser to log in:");
                err().println("  " + url);
                err().flush();
                if (!noBrowser) {
                    openBrowser(url);
                }
                Map<String, String> params;
                try {
                    params = callback.get(timeout, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new CliException(CliException.FAILURE, "Timed out after " + timeout + " s waiting for the browser login.");
                } catch (ExecutionException e) {
                    throw new CliException(CliException.FAILURE, "The browser login failed: " + e.getCause());
                }
                if (params.containsKey("error")) {
                    throw new CliException(CliException.AUTH, "The login was refused: " + params.get("error")
                            + (params.containsKey("error_description") ? " (" + params.get("error_description") + ")" : ""));
                }
                Map<String, String> form = ApiClient.form("grant_type", "authorization_code", "code", params.get("code"),
                        "redirect_uri", redirect, "code_verifier", verifier);
                String secret = g().env("GATEHOUSE_CLIENT_SECRET");
                if (secret == null) {
                    form.put("client_id", id);
                }
                ObjectNode t = client().tokenRequest(form, secret == null ? null : ApiClient.basic(id, secret));
                client().save("browser", t, null);
                printLoggedIn(this, store().token());
            } finally {
                server.stop(0);
            }
        }

        private void openBrowser(String url) {
            String[] openers = {System.getenv("BROWSER"), "xdg-open", "open"};
            for (String o : openers) {
                if (o == null || o.isBlank()) {
                    continue;
                }
                try {
                    new ProcessBuilder(o, url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    return;
                } catch (IOException notThere) {
                    // try the next one
                }
            }
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
            ObjectNode t = client().tokenRequest(url, ApiClient.form("session_id", sid), null);
            client().save("session", t, url);
            printLoggedIn(this, store().token());
        }
    }

    @Command(name = "status", description = "Which credential commands use, for which app and account, and until when.")
    static final class Status extends CliCommand {
        @Override
        void run() {
            ApiClient c = client();
            ApiClient.Credential cred = c.credential();
            ObjectNode s = Json.MAPPER.createObjectNode();
            s.put("credential", cred.description());
            ObjectNode token = cred.header().startsWith("Bearer ") ? c.usableCache() : null;
            if (token != null && token.has("app_info")) {
                JsonNode app = token.get("app_info");
                s.put("app", app.path("name").asText() + " (" + app.path("client_id").asText() + ", " + app.path("mode").asText()
                        + ", " + app.path("rate_limit_per_minute").asInt() + "/min)");
                s.put("scope", token.path("scope").asText());
                s.put("expires_at", Instant.ofEpochSecond(token.path("expires_at").asLong()).toString());
            }
            JsonNode me = c.call("GET", "/v1.0/me", null);
            s.put("account", me.path("email").asText() + " (" + me.path("id").asText() + ")");
            s.put("server", g().baseUrl());
            out().object(s, s, java.util.List.of(new Output.Column("Credential", "credential"), new Output.Column("App", "app"),
                    new Output.Column("Account", "account"), new Output.Column("Scope", "scope"),
                    new Output.Column("Expires", "expires_at"), new Output.Column("Server", "server")));
        }
    }

    @Command(name = "logout", description = "Forget everything stored: the customer key and any cached token.")
    static final class Logout extends CliCommand {
        @Override
        void run() {
            store().removeToken();
            store().removeCustomerKey();
            err().println("Forgot all stored credentials in " + store().dir());
        }
    }

    @Command(name = "test", description = "Call GET /v1.0/me with the current credential.")
    static final class Test extends CliCommand {
        @Override
        void run() {
            ApiClient.Credential cred = client().credential();
            JsonNode me = client().call("GET", "/v1.0/me", null);
            out().message(me, "OK: " + cred.description() + " works for " + me.path("email").asText()
                    + " (account " + me.path("id").asText() + ")");
        }
    }

    static void printLoggedIn(CliCommand cmd, ObjectNode token) {
        JsonNode app = token.path("app_info");
        cmd.err().println("Logged in with app " + app.path("name").asText(token.path("client_id").asText()) + " ("
                + token.path("client_id").asText() + (app.has("mode") ? ", " + app.path("mode").asText() + " mode, "
                + app.path("rate_limit_per_minute").asInt() + " requests/min" : "") + "); the token expires "
                + Instant.ofEpochSecond(token.path("expires_at").asLong()) + " and is refreshed automatically.");
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String s256(String verifier) throws NoSuchAlgorithmException {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
