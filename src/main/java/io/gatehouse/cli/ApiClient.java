package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CLI's HTTP side: finds the credential (SPEC §10 order, first match wins), keeps cached tokens
 * fresh, waits and retries on 429, and turns failures into exit codes. Credentials are never printed.
 */
final class ApiClient {
    /** Refresh a cached token when it has less than this left. */
    private static final long REFRESH_MARGIN_SECONDS = 60;
    private static final long MAX_WAIT_SECONDS = 120;

    private final GlobalOptions g;
    private final CredentialStore store;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** The Authorization header to send, and what it is, for people. */
    record Credential(String header, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    record Response(int status, JsonNode json, String body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    ApiClient(GlobalOptions g, CredentialStore store, PrintStream err) {
        this.g = g;
        this.store = store;
        this.err = err;
    }

    // ---- finding the credential ----

    Credential credential() {
        String accessToken = g.env("GATEHOUSE_ACCESS_TOKEN");
        if (accessToken != null) {
            return new Credential("Bearer " + accessToken, "access token from GATEHOUSE_ACCESS_TOKEN");
        }
        String refresh = g.env("GATEHOUSE_REFRESH_TOKEN");
        if (refresh != null && g.env("GATEHOUSE_CLIENT_ID") != null) {
            ObjectNode t = tokenRequest(form("grant_type", "refresh_token", "refresh_token", refresh), clientAuth());
            save("refresh", t, null);
            return bearer(store.token(), "access token refreshed from GATEHOUSE_REFRESH_TOKEN");
        }
        ObjectNode cached = usableCache();
        for (String source : new String[] {"session", "browser", "client_credentials"}) {
            if (cached != null && source.equals(cached.path("source").asText())) {
                return bearer(fresh(cached), describe(cached));
            }
        }
        String key = customerKey();
        if (key != null && g.env("GATEHOUSE_CLIENT_ID") != null && g.env("GATEHOUSE_CLIENT_SECRET") != null) {
            loginWithClientCredentials(key);
            return bearer(store.token(), describe(store.token()));
        }
        if (key != null) {
            return new Credential("token " + key, "API key (customer key " + mask(key) + ")");
        }
        throw new CliException(CliException.AUTH, "Not logged in: run 'gatehouse auth set <customer-key>', "
                + "'gatehouse auth login' or 'gatehouse auth login-browser', or set GATEHOUSE_ACCESS_TOKEN.");
    }

    String customerKey() {
        String env = g.env("GATEHOUSE_CUSTOMER_KEY");
        return env != null ? env : store.customerKey();
    }

    /** The cached token if it belongs to this server. */
    ObjectNode usableCache() {
        ObjectNode t = store.token();
        if (t == null || !g.baseUrl().equals(t.path("base_url").asText())) {
            return null;
        }
        return t;
    }

    private static String describe(ObjectNode t) {
        String how = switch (t.path("source").asText()) {
            case "session" -> "session token";
            case "browser" -> "browser login";
            case "client_credentials" -> "client credentials";
            default -> "cached token";
        };
        return "access token (" + how + ", app " + t.path("client_id").asText() + ")";
    }

    private Credential bearer(ObjectNode t, String description) {
        return new Credential("Bearer " + t.get("access_token").asText(), description);
    }

    /** The cached token, refreshed first if it is about to expire. */
    private ObjectNode fresh(ObjectNode t) {
        long expires = t.path("expires_at").asLong(0);
        if (Instant.now().getEpochSecond() < expires - REFRESH_MARGIN_SECONDS) {
            return t;
        }
        if (t.hasNonNull("refresh_token")) {
            try {
                Map<String, String> f = form("grant_type", "refresh_token", "refresh_token", t.get("refresh_token").asText());
                String secret = g.env("GATEHOUSE_CLIENT_SECRET");
                String clientId = t.path("client_id").asText();
                ObjectNode nt = tokenRequest(withClient(f, clientId, secret), secret == null ? null : basic(clientId, secret));
                save(t.path("source").asText(), nt, t.path("token_url").asText(null));
                verbose("refreshed the cached access token");
                return store.token();
            } catch (CliException e) {
                verbose("refresh failed: " + e.getMessage());
            }
        }
        String key = customerKey();
        if ("client_credentials".equals(t.path("source").asText()) && key != null && g.env("GATEHOUSE_CLIENT_SECRET") != null) {
            loginWithClientCredentials(key);
            return store.token();
        }
        throw new CliException(CliException.AUTH, "The cached login has expired; log in again ('gatehouse auth login…').");
    }

    // ---- logins ----

    void loginWithClientCredentials(String customerKey) {
        String clientId = g.env("GATEHOUSE_CLIENT_ID");
        String secret = g.env("GATEHOUSE_CLIENT_SECRET");
        if (clientId == null || secret == null) {
            throw new CliException(CliException.USAGE, "auth login needs GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET");
        }
        if (customerKey == null) {
            throw new CliException(CliException.USAGE, "auth login needs a customer key: 'gatehouse auth set <key>' or GATEHOUSE_CUSTOMER_KEY");
        }
        ObjectNode t = tokenRequest(form("grant_type", "client_credentials", "customer_key", customerKey), basic(clientId, secret));
        save("client_credentials", t, null);
    }

    /** Stores a token response with how it was obtained. */
    void save(String source, ObjectNode tokenResponse, String tokenUrl) {
        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("source", source);
        t.put("base_url", g.baseUrl());
        t.put("access_token", tokenResponse.path("access_token").asText());
        if (tokenResponse.hasNonNull("refresh_token")) {
            t.put("refresh_token", tokenResponse.get("refresh_token").asText());
        }
        t.put("expires_at", Instant.now().getEpochSecond() + tokenResponse.path("expires_in").asLong(3600));
        t.put("scope", tokenResponse.path("scope").asText(""));
        JsonNode app = tokenResponse.path("app_info");
        t.put("client_id", app.path("client_id").asText(g.env("GATEHOUSE_CLIENT_ID") == null ? "" : g.env("GATEHOUSE_CLIENT_ID")));
        if (!app.isMissingNode()) {
            t.set("app_info", app);
        }
        if (tokenUrl != null) {
            t.put("token_url", tokenUrl);
        }
        store.token(t);
    }

    /** POST /oauth/token; an error answer becomes a CliException (exit 3). */
    ObjectNode tokenRequest(Map<String, String> form, String basicAuth) {
        return tokenRequest(g.baseUrl() + "/oauth/token", form, basicAuth);
    }

    ObjectNode tokenRequest(String url, Map<String, String> form, String basicAuth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        if (basicAuth != null) {
            b.header("Authorization", basicAuth);
        }
        Response r = send(b.build());
        if (r.status() != 200 || r.json() == null || !r.json().hasNonNull("access_token")) {
            String why = r.json() != null && r.json().has("error")
                    ? r.json().path("error").asText() + ": " + r.json().path("error_description").asText()
                    : "HTTP " + r.status();
            throw new CliException(CliException.AUTH, "The token request was refused (" + why + ")");
        }
        return (ObjectNode) r.json();
    }

    private String clientAuth() {
        String secret = g.env("GATEHOUSE_CLIENT_SECRET");
        return secret == null ? null : basic(g.env("GATEHOUSE_CLIENT_ID"), secret);
    }

    private static Map<String, String> withClient(Map<String, String> f, String clientId, String secret) {
        if (secret == null && clientId != null && !clientId.isEmpty()) {
            f.put("client_id", clientId);
        }
        return f;
    }

    static String basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> form(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    // ---- calling the API ----

    /** Calls the public API with the credential; waits and retries on 429; error answers become exceptions. */
    JsonNode call(String method, String path, JsonNode body) {
        Credential c = credential();
        Response r = withRetries(() -> send(request(g.baseUrl() + path, method, body).header("Authorization", c.header()).build()));
        return checked(r, c);
    }

    /** Calls the admin API (GATEHOUSE_ADMIN_TOKEN when set). */
    JsonNode admin(String method, String path, JsonNode body) {
        HttpRequest.Builder b = request(g.adminUrl() + path, method, body);
        String token = g.env("GATEHOUSE_ADMIN_TOKEN");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return checked(send(b.build()), null);
    }

    private HttpRequest.Builder request(String url, String method, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b;
    }

    private Response withRetries(java.util.function.Supplier<Response> attempt) {
        int retries = retries();
        for (int i = 0; ; i++) {
            Response r = attempt.get();
            if (r.status() != 429) {
                return r;
            }
            long wait = waitSeconds(r);
            if (i >= retries || wait > MAX_WAIT_SECONDS) {
                throw new CliException(CliException.RATE_LIMITED, "Still rate limited after " + i + " retr" + (i == 1 ? "y" : "ies")
                        + " (limit " + r.header("X-RateLimit-Limit") + " requests per minute; the window resets in " + wait + " s).");
            }
            err.println("gatehouse: rate limited (" + r.header("X-RateLimit-Limit") + " requests per minute); waiting " + wait
                    + " s for the window to reset, then retrying (" + (i + 1) + " of " + retries + ")");
            try {
                Thread.sleep(wait * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.FAILURE, "interrupted");
            }
        }
    }

    private int retries() {
        String v = g.env("GATEHOUSE_MAX_RETRIES");
        try {
            return v == null ? 3 : Math.max(0, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return 3;
        }
    }

    /** Until X-RateLimit-Reset (or Retry-After), at least one second. */
    private static long waitSeconds(Response r) {
        String reset = r.header("X-RateLimit-Reset");
        if (reset != null) {
            try {
                return Math.max(1, Long.parseLong(reset) - Instant.now().getEpochSecond());
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        String retryAfter = r.header("Retry-After");
        try {
            return retryAfter == null ? 1 : Math.max(1, Long.parseLong(retryAfter));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private JsonNode checked(Response r, Credential c) {
        if (r.status() < 400) {
            return r.json() == null ? Json.MAPPER.createObjectNode() : r.json();
        }
        String message = r.json() != null && r.json().has("message") ? r.json().get("message").asText()
                : r.json() != null && r.json().has("error_description") ? r.json().get("error_description").asText()
                : "HTTP " + r.status();
        if (r.status() == 401) {
            throw new CliException(CliException.AUTH, "The server refused the " + (c == null ? "admin token" : c.description())
                    + ": " + message);
        }
        if (r.status() == 403) {
            throw new CliException(CliException.AUTH, "Permission denied: " + message);
        }
        if (r.status() == 429) {
            throw new CliException(CliException.RATE_LIMITED, message);
        }
        throw new CliException(CliException.FAILURE, message + " (HTTP " + r.status()
                + (r.json() != null && r.json().has("code") ? ", code " + r.json().get("code").asText() : "") + ")");
    }

    Response send(HttpRequest req) {
        long start = System.nanoTime();
        verbose("> " + req.method() + " " + req.uri());
        try {
            HttpResponse<String> raw = http.send(req, HttpResponse.BodyHandlers.ofString());
            verbose("< " + raw.statusCode() + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)"
                    + raw.headers().firstValue("X-RateLimit-Remaining").map(v -> ", " + v + " requests left").orElse(""));
            JsonNode json = null;
            String body = raw.body();
            if (body != null && !body.isBlank()) {
                try {
                    json = Json.MAPPER.readTree(body);
                } catch (IOException notJson) {
                    // leave it null
                }
            }
            return new Response(raw.statusCode(), json, body, raw);
        } catch (ConnectException e) {
            throw new CliException(CliException.FAILURE, "Cannot reach " + req.uri().getScheme() + "://" + req.uri().getAuthority()
                    + " (is Gatehouse running? set --base-url or GATEHOUSE_BASE_URL)");
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "Request to " + req.uri().getAuthority() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.FAILURE, "interrupted");
        }
    }

    void verbose(String line) {
        if (g.verbose()) {
            err.println(line);
        }
    }

    /** The first characters of a secret, for showing which one it is. */
    static String mask(String secret) {
        if (secret == null) {
            return "";
        }
        String tail = secret.length() > 8 ? secret.substring(secret.length() - 4) : "";
        return secret.substring(0, Math.min(8, secret.length() / 3)) + "…" + tail;
    }
}
