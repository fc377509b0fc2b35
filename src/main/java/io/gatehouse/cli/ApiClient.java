package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * Calls the public API with the resolved credential ({@link Credentials}), retrying on 429 ({@link Http}),
 * and the admin API with {@code GATEHOUSE_ADMIN_TOKEN}; turns error answers into SPEC §10's exit codes
 * with a message that says what happened and, where it can, what to do.
 */
final class ApiClient {
    private final GlobalOptions g;
    private final Http http;
    private final TokenRequests tokenRequests;
    private final TokenCache tokens;
    private final Credentials credentials;

    ApiClient(GlobalOptions g, CredentialStore store) {
        this.g = g;
        Terminal t = g.terminal();
        this.http = new Http(t, g.verbose(), retries(g));
        this.tokenRequests = new TokenRequests(http);
        String key = g.env("GATEHOUSE_CUSTOMER_KEY") != null ? g.env("GATEHOUSE_CUSTOMER_KEY") : store.customerKey();
        TokenCache.Login env = new TokenCache.Login("client_credentials", g.env("GATEHOUSE_CLIENT_ID"),
                g.env("GATEHOUSE_CLIENT_SECRET"), key, null);
        this.tokens = new TokenCache(store, tokenRequests, t.clock(), g.baseUrl(), env, http::verbose);
        this.credentials = new Credentials(g, store, tokens);
    }

    Credentials credentials() {
        return credentials;
    }

    TokenCache tokens() {
        return tokens;
    }

    TokenRequests tokenRequests() {
        return tokenRequests;
    }

    /** Calls the public API with the credential; waits and retries on 429; error answers become exceptions. */
    JsonNode call(String method, String path, JsonNode body) {
        Credentials.Credential c = credentials.resolve();
        return call(c, method, path, body);
    }

    /**
     * A cached token the server refuses (401: expired by the server's clock, or revoked) is renewed once
     * (refresh token, else the stored client credentials) and the request sent once more: a 401 is answered
     * before anything is done (SPEC §6), so sending it again cannot do anything twice. Only Gatehouse's own
     * refusal of the token counts (RFC 6750's {@code invalid_token} in its realm), not an upstream's 401.
     */
    JsonNode call(Credentials.Credential c, String method, String path, JsonNode body) {
        Http.Response r = send(c, method, path, body);
        if (r.status() == 401 && tokenRefused(r)) {
            Credentials.Credential renewed = credentials.renewRefused(c);
            if (renewed != null) {
                http.verbose("the server refused the cached access token; renewed it, sending the request again");
                return checked(send(renewed, method, path, body), "the renewed " + renewed.description());
            }
        }
        return checked(r, "the " + c.description());
    }

    private static boolean tokenRefused(Http.Response r) {
        String challenge = r.header("WWW-Authenticate");
        return challenge != null && challenge.contains("realm=\"gatehouse\"") && challenge.contains("error=\"invalid_token\"");
    }

    private Http.Response send(Credentials.Credential c, String method, String path, JsonNode body) {
        return http.sendRetrying(() -> request(g.baseUrl() + path, method, body).header("Authorization", c.header()).build());
    }

    /** Calls the admin API (with GATEHOUSE_ADMIN_TOKEN when set). */
    JsonNode admin(String method, String path, JsonNode body) {
        // State-changing admin calls must be JSON (SPEC §11), even those with nothing to say.
        JsonNode sent = body == null && !method.equals("GET") && !method.equals("DELETE") ? CliJson.object() : body;
        HttpRequest.Builder b = request(g.adminUrl() + path, method, sent);
        String token = g.env("GATEHOUSE_ADMIN_TOKEN");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        Http.Response r = http.send(b.build());
        if (r.status() == 401 && token == null) {
            throw new CliException(CliException.AUTH, "The admin API needs the admin token: set GATEHOUSE_ADMIN_TOKEN "
                    + "to the server's GATEHOUSE_ADMIN_TOKEN (none was sent).");
        }
        return checked(r, "the admin token in GATEHOUSE_ADMIN_TOKEN");
    }

    private static HttpRequest.Builder request(String url, String method, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(CliJson.bytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b;
    }

    /** SPEC §10 exit codes: 3 for 401/403, 4 for 429, 1 for any other error answer. */
    private static JsonNode checked(Http.Response r, String credential) {
        if (r.status() < 400) {
            return r.json() == null ? CliJson.object() : r.json();
        }
        JsonNode j = r.json();
        String message = j != null && j.has("message") ? j.get("message").asText()
                : j != null && j.has("error_description") ? j.get("error_description").asText()
                : "HTTP " + r.status();
        switch (r.status()) {
            case 401 -> throw new CliException(CliException.AUTH, "The server refused " + credential + ": " + message);
            case 403 -> throw new CliException(CliException.AUTH, "Permission denied: " + message);
            case 429 -> throw new CliException(CliException.RATE_LIMITED, message);
            default -> throw new CliException(CliException.FAILURE, message + " (HTTP " + r.status()
                    + (j != null && j.has("code") ? ", code " + j.get("code").asText() : "") + ")");
        }
    }

    private static int retries(GlobalOptions g) {
        String v = g.env("GATEHOUSE_MAX_RETRIES");
        try {
            return v == null ? 3 : Math.max(0, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return 3;
        }
    }
}
