package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code gatehouse auth status}: which credential commands use, for which app and account, which key
 * (id, name, expiry), and until when. A login that expired, or a key the server refuses, is reported
 * (with what to do), not an error: the command exits 0 whenever it could say where things stand.
 */
@Command(name = "status", description = {"Which credential commands use: app, account, key (id, name, expiry), scope, expiry.",
    "Exits 0 when it can report, also for an expired login (it says what to do); 3 when nothing is stored or set."})
final class AuthStatusCommand extends CliCommand {
    private static final List<Output.Column> FIELDS = List.of(new Output.Column("Credential", "credential"),
            new Output.Column("App", "app"), new Output.Column("Account", "account"), new Output.Column("Key", "key"),
            new Output.Column("Key expires", "key_expires_at"), new Output.Column("Scope", "scope"),
            new Output.Column("Expires", "expires_at"), new Output.Column("Server", "server"),
            new Output.Column("Problem", "problem"));

    @Override
    void run() {
        ApiClient c = client();
        Credentials creds = c.credentials();
        ObjectNode s = CliJson.object();
        Credentials.Credential cred;
        try {
            cred = creds.resolve();
        } catch (CliException e) {
            ObjectNode login = creds.cachedLogin();
            if (e.exitCode() != CliException.AUTH || login == null && creds.customerKey() == null) {
                throw e; // nothing stored or set (exit 3), or the server cannot be reached (exit 1)
            }
            if (login != null) {
                s.put("credential", "access token (" + TokenCache.how(login) + ")");
                describeToken(s, login);
                s.put("expires_at", s.path("expires_at").asText() + (c.tokens().expired(login) ? " (expired)" : ""));
            }
            s.put("server", g().baseUrl());
            s.put("problem", e.getMessage());
            print(s);
            return;
        }
        s.put("credential", cred.description());
        if (cred.token() != null) {
            describeToken(s, cred.token());
        } else if (cred.kind() == Credentials.Kind.ACCESS_TOKEN) {
            JsonNode claims = CredentialText.claims(cred.text());
            if (claims != null) {
                s.put("app", claims.path("client_id").asText());
                s.put("scope", claims.path("scope").asText());
                Instant exp = CredentialText.expiry(cred.text());
                s.put("expires_at", exp == null ? "" : exp + (exp.isAfter(terminal().clock().instant()) ? "" : " (expired)"));
            }
        }
        String key = cred.kind() == Credentials.Kind.API_KEY ? cred.text()
                : cred.token() != null && cred.token().hasNonNull("customer_key") ? cred.token().get("customer_key").asText() : null;
        try {
            JsonNode me = c.call(cred, "GET", "/v1.0/me", null);
            s.put("account", me.path("email").asText() + " (" + me.path("id").asText() + ")");
            if (key != null) {
                describeKey(s, key);
            }
        } catch (CliException e) {
            if (e.exitCode() != CliException.AUTH) {
                throw e;
            }
            if (key != null) {
                s.put("key", CredentialText.id(key));
                Instant exp = CredentialText.expiry(key);
                s.put("key_expires_at", exp == null ? "never" : exp.toString());
            }
            s.put("problem", e.getMessage() + (cred.kind() == Credentials.Kind.API_KEY
                    ? ". Store a working key: gatehouse auth set <customer-key>" : ""));
        }
        if (cred.kind() == Credentials.Kind.CACHED_TOKEN && cred.file() != null) {
            // The call above may have renewed a token the server refused (ApiClient): show what is stored now.
            ObjectNode stored = c.tokens().cached(cred.file());
            if (stored != null) {
                describeToken(s, stored);
            }
        }
        s.put("server", g().baseUrl());
        print(s);
    }

    private static void describeToken(ObjectNode s, ObjectNode token) {
        if (token.has("app_info")) {
            JsonNode app = token.get("app_info");
            s.put("app", app.path("name").asText() + " (" + app.path("client_id").asText() + ", " + app.path("mode").asText()
                    + ", " + app.path("rate_limit_per_minute").asInt() + "/min)");
        } else if (!token.path("client_id").asText().isEmpty()) {
            s.put("app", token.path("client_id").asText());
        }
        s.put("scope", token.path("scope").asText());
        s.put("expires_at", Instant.ofEpochSecond(token.path("expires_at").asLong()).toString());
    }

    /** The key's id and expiry from the key itself; its name (and status) from the account's key list. */
    private void describeKey(ObjectNode s, String key) {
        String id = CredentialText.id(key);
        Instant exp = CredentialText.expiry(key);
        s.put("key_expires_at", exp == null ? "never" : exp.toString());
        String name = null;
        try {
            Credentials.Credential asKey = new Credentials.Credential(Credentials.Kind.API_KEY, "token " + key, "API key", key, null, null);
            for (JsonNode k : client().call(asKey, "GET", "/v1.0/me/api-keys", null).path("api_keys")) {
                if (k.path("id").asText().equals(id)) {
                    name = k.path("name").asText() + (k.path("status").asText().equals("active") ? "" : ", " + k.path("status").asText());
                }
            }
        } catch (CliException e) {
            name = "name unknown: " + e.getMessage();
        }
        s.put("key", id == null ? "(not an API key)" : name == null ? id : id + " (" + name + ")");
    }

    private void print(ObjectNode s) {
        out().object(s, s, FIELDS);
    }
}
