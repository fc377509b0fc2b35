package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cached tokens (SPEC §10): each stored with how it was obtained and what renewing it needs, so a login
 * made once keeps working. A token is renewed when less than a minute (or half its lifetime) is left:
 * with its refresh token, else, for a client-credentials login, by asking again with the stored client
 * id, secret and customer key.
 */
final class TokenCache {
    /** Refresh when less than this is left (or half the token's lifetime, if that is shorter). */
    private static final long MARGIN_SECONDS = 60;

    /** How a token was obtained, and what obtaining it again needs; stored with it (file mode 0600). */
    record Login(String source, String clientId, String clientSecret, String customerKey, String tokenUrl) {
        static Login of(ObjectNode t) {
            return new Login(t.path("source").asText(), text(t, "client_id"), text(t, "client_secret"),
                    text(t, "customer_key"), text(t, "token_url"));
        }

        /** What this login did not store, taken from the environment (a secret only for the same app). */
        Login orElse(Login env) {
            boolean sameApp = env.clientId() == null || env.clientId().equals(clientId);
            return new Login(source, clientId, clientSecret != null ? clientSecret : sameApp ? env.clientSecret() : null,
                    customerKey != null ? customerKey : env.customerKey(), tokenUrl);
        }
    }

    private final CredentialStore store;
    private final TokenRequests requests;
    private final Clock clock;
    private final String baseUrl;
    private final Consumer<String> verbose;
    private final Login env;

    /** {@code env}: client id, secret and customer key from the environment, for logins that did not store them. */
    TokenCache(CredentialStore store, TokenRequests requests, Clock clock, String baseUrl, Login env, Consumer<String> verbose) {
        this.store = store;
        this.env = env;
        this.requests = requests;
        this.clock = clock;
        this.baseUrl = baseUrl;
        this.verbose = verbose;
    }

    /** The token stored in {@code file} if it was issued by this server, or null. */
    ObjectNode cached(String file) {
        ObjectNode t = store.read(file);
        return t == null || !baseUrl.equals(t.path("base_url").asText()) ? null : t;
    }

    /** Stores a token response with its login; returns what was stored. */
    ObjectNode save(String file, Login login, ObjectNode response, Map<String, String> extra) {
        ObjectNode t = CliJson.object();
        t.put("source", login.source());
        t.put("base_url", baseUrl);
        t.put("access_token", response.path("access_token").asText());
        if (response.hasNonNull("refresh_token")) {
            t.put("refresh_token", response.get("refresh_token").asText());
        }
        long lifetime = response.path("expires_in").asLong(3600);
        t.put("expires_in", lifetime);
        t.put("expires_at", clock.instant().getEpochSecond() + lifetime);
        t.put("scope", response.path("scope").asText(""));
        JsonNode app = response.path("app_info");
        t.put("client_id", app.path("client_id").asText(login.clientId() == null ? "" : login.clientId()));
        if (!app.isMissingNode()) {
            t.set("app_info", app);
        }
        putIfSet(t, "client_secret", login.clientSecret());
        putIfSet(t, "customer_key", login.customerKey());
        putIfSet(t, "token_url", login.tokenUrl());
        extra.forEach(t::put);
        store.write(file, t);
        return t;
    }

    boolean expired(ObjectNode t) {
        return clock.instant().getEpochSecond() >= t.path("expires_at").asLong(0);
    }

    private boolean due(ObjectNode t) {
        long margin = Math.min(MARGIN_SECONDS, t.path("expires_in").asLong(3600) / 2);
        return clock.instant().getEpochSecond() >= t.path("expires_at").asLong(0) - margin;
    }

    /** The token in {@code file}, renewed first if it is due; a token that cannot be renewed is exit 3, saying what to do. */
    ObjectNode fresh(String file, ObjectNode t) {
        if (!due(t)) {
            return t;
        }
        return store.locked(() -> {
            ObjectNode current = store.read(file);
            if (current != null && !current.path("access_token").asText().equals(t.path("access_token").asText()) && !due(current)) {
                return current; // another command renewed it while we waited for the lock
            }
            return renew(file, current != null ? current : t);
        });
    }

    /** Renews {@code t} now, whatever its expiry (a refresh token from the environment, spent at once). */
    ObjectNode renewNow(String file, ObjectNode t) {
        return store.locked(() -> renew(file, t));
    }

    /**
     * The server refused {@code t} (401) although its expiry has not come by this machine's clock (the
     * clocks disagree, or it was revoked): renews it now, unless another command already has.
     */
    ObjectNode renewRefused(String file, ObjectNode t) {
        return store.locked(() -> {
            ObjectNode current = store.read(file);
            if (current != null && !current.path("access_token").asText().equals(t.path("access_token").asText())) {
                return current; // another command renewed it since this one read it
            }
            return renew(file, current != null ? current : t, true);
        });
    }

    private ObjectNode renew(String file, ObjectNode t) {
        return renew(file, t, false);
    }

    /** {@code refused}: the server refused the token (rather than its expiry coming), which the message says. */
    private ObjectNode renew(String file, ObjectNode t, boolean refused) {
        Login stored = Login.of(t); // saved as it was: a secret from the environment is never written to disk
        Login login = stored.orElse(env);
        Map<String, String> extra = t.has("env_refresh_sha256") ? Map.of("env_refresh_sha256", t.get("env_refresh_sha256").asText()) : Map.of();
        String reason = null;
        if (t.hasNonNull("refresh_token")) {
            try {
                Map<String, String> form = TokenRequests.form("grant_type", "refresh_token", "refresh_token", t.get("refresh_token").asText());
                ObjectNode renewed = save(file, stored, request(form, login), extra);
                verbose.accept("refreshed the cached access token");
                return renewed;
            } catch (CliException e) {
                if (e.exitCode() != CliException.AUTH) {
                    throw e; // the server could not be reached: say that, not that the login is over
                }
                reason = e.getMessage();
                verbose.accept("refresh failed: " + reason);
            }
        }
        if ("client_credentials".equals(login.source()) && login.clientSecret() != null && login.customerKey() != null) {
            try {
                ObjectNode renewed = save(file, stored, clientCredentials(login), extra);
                verbose.accept("asked for a new access token with the stored client credentials");
                return renewed;
            } catch (CliException e) {
                if (e.exitCode() != CliException.AUTH) {
                    throw e;
                }
                reason = e.getMessage();
            }
        }
        throw new CliException(CliException.AUTH, refused ? refusedMessage(t, reason) : expiredMessage(t, reason));
    }

    /** RFC 6749 §4.4 with SPEC §5's customer key. */
    ObjectNode clientCredentials(Login login) {
        return requests.post(baseUrl + "/oauth/token", TokenRequests.form("grant_type", "client_credentials",
                "customer_key", login.customerKey()), TokenRequests.basic(login.clientId(), login.clientSecret()));
    }

    /** A confidential client authenticates with Basic; a public one names itself in the form. */
    private ObjectNode request(Map<String, String> form, Login login) {
        if (login.clientSecret() == null && login.clientId() != null && !login.clientId().isEmpty()) {
            form.put("client_id", login.clientId());
        }
        return requests.post(baseUrl + "/oauth/token", form,
                login.clientSecret() == null ? null : TokenRequests.basic(login.clientId(), login.clientSecret()));
    }

    /** What a person should read when a cached login is over: since when, why, and what to run. */
    String expiredMessage(ObjectNode t, String reason) {
        if (!t.hasNonNull("access_token")) {
            return "GATEHOUSE_REFRESH_TOKEN was refused" + (reason == null ? "" : ": " + reason) + ". " + whatToDo(t);
        }
        return "The cached " + how(t) + " expired at " + Instant.ofEpochSecond(t.path("expires_at").asLong())
                + (reason == null ? " and cannot be renewed" : " and could not be renewed: " + reason)
                + ". " + whatToDo(t);
    }

    /** What a person should read when the server refused a cached token that could not be renewed. */
    String refusedMessage(ObjectNode t, String reason) {
        return "The server refused the cached " + how(t) + " (expired or revoked)"
                + (reason == null ? " and it cannot be renewed" : " and it could not be renewed: " + reason) + ". " + whatToDo(t);
    }

    static String whatToDo(ObjectNode t) {
        return switch (t.path("source").asText()) {
            case "client_credentials" -> "Log in again: GATEHOUSE_CLIENT_ID=… GATEHOUSE_CLIENT_SECRET=… gatehouse auth login";
            case "browser" -> "Log in again: gatehouse auth login-browser";
            case "device" -> "Log in again: gatehouse auth login-device";
            case "session" -> "Log in again: gatehouse auth login-session";
            case "refresh_token" -> "Set a new GATEHOUSE_REFRESH_TOKEN, or unset it to use the stored login.";
            default -> "Log in again ('gatehouse auth login…').";
        };
    }

    /** For people: which login this is. */
    static String how(ObjectNode t) {
        String app = t.path("client_id").asText("");
        String kind = switch (t.path("source").asText()) {
            case "session" -> "session-token login";
            case "browser" -> "browser login";
            case "device" -> "device login";
            case "client_credentials" -> "client-credentials login";
            case "refresh_token" -> "token refreshed from GATEHOUSE_REFRESH_TOKEN";
            default -> "token";
        };
        return kind + (app.isEmpty() ? "" : " (app " + app + ")");
    }

    private static void putIfSet(ObjectNode t, String field, String value) {
        if (value != null) {
            t.put(field, value);
        }
    }

    private static String text(ObjectNode t, String field) {
        return t.hasNonNull(field) && !t.get(field).asText().isEmpty() ? t.get(field).asText() : null;
    }
}
