package io.gatehouse.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Which credential a command sends (SPEC §10), first match wins: {@code GATEHOUSE_ACCESS_TOKEN};
 * {@code GATEHOUSE_REFRESH_TOKEN} (with {@code GATEHOUSE_CLIENT_ID}); the cached login (session token,
 * browser or client credentials); client credentials from the environment with the customer key; the
 * customer key alone as an API key.
 */
final class Credentials {
    enum Kind { ACCESS_TOKEN, CACHED_TOKEN, API_KEY }

    /**
     * The Authorization header to send and what it is, for people; {@code token} is the cached token's record
     * and {@code file} where it is cached (both null for a credential that is not a cached token).
     */
    record Credential(Kind kind, String header, String description, String text, ObjectNode token, String file) {
        @Override
        public String toString() {
            return description;
        }
    }

    private final GlobalOptions g;
    private final CredentialStore store;
    private final TokenCache tokens;

    Credentials(GlobalOptions g, CredentialStore store, TokenCache tokens) {
        this.g = g;
        this.store = store;
        this.tokens = tokens;
    }

    /** The credential to use, renewing a cached token if it is due; exit 3 (saying what to do) when there is none. */
    Credential resolve() {
        String accessToken = g.env("GATEHOUSE_ACCESS_TOKEN");
        if (accessToken != null) {
            return new Credential(Kind.ACCESS_TOKEN, "Bearer " + accessToken, "access token from GATEHOUSE_ACCESS_TOKEN", accessToken, null, null);
        }
        String refresh = g.env("GATEHOUSE_REFRESH_TOKEN");
        if (refresh != null && g.env("GATEHOUSE_CLIENT_ID") != null) {
            return bearer(CredentialStore.ENV_TOKEN, fromRefreshToken(refresh));
        }
        ObjectNode login = tokens.cached(CredentialStore.TOKEN);
        if (login != null) {
            return bearer(CredentialStore.TOKEN, tokens.fresh(CredentialStore.TOKEN, login));
        }
        String key = customerKey();
        if (key != null && g.env("GATEHOUSE_CLIENT_ID") != null && g.env("GATEHOUSE_CLIENT_SECRET") != null) {
            // Credentials from the environment: the token is cached, the secret is not written to disk.
            return bearer(CredentialStore.TOKEN, logIn(new TokenCache.Login("client_credentials", g.env("GATEHOUSE_CLIENT_ID"),
                    g.env("GATEHOUSE_CLIENT_SECRET"), key, null), false));
        }
        if (key != null) {
            return new Credential(Kind.API_KEY, "token " + key, "API key " + CredentialText.mask(key) + " (the customer key)", key, null, null);
        }
        throw new CliException(CliException.AUTH, "Not logged in: run 'gatehouse auth set <customer-key>', "
                + "'gatehouse auth login' or 'gatehouse auth login-browser', or set GATEHOUSE_ACCESS_TOKEN.");
    }

    /**
     * A cached token the server refused (401: it expired early by the server's clock, or was revoked),
     * renewed once whatever its expiry says; exit 3, saying what to do, when it cannot be. Null for a
     * credential that is not a cached token (nothing to renew).
     */
    Credential renewRefused(Credential refused) {
        if (refused.kind() != Kind.CACHED_TOKEN || refused.file() == null) {
            return null;
        }
        return bearer(refused.file(), tokens.renewRefused(refused.file(), refused.token()));
    }

    /** The cached login this server would use, as stored (not renewed), or null. */
    ObjectNode cachedLogin() {
        return tokens.cached(CredentialStore.TOKEN);
    }

    String customerKey() {
        String env = g.env("GATEHOUSE_CUSTOMER_KEY");
        return env != null ? env : store.customerKey();
    }

    /**
     * Client credentials (RFC 6749 §4.4): asks for a token and caches it as the login; with
     * {@code remember}, the client secret and customer key are stored too (0600) so it renews itself.
     */
    ObjectNode logIn(TokenCache.Login login, boolean remember) {
        ObjectNode response = tokens.clientCredentials(login);
        TokenCache.Login stored = remember ? login : new TokenCache.Login(login.source(), login.clientId(), null, null, null);
        return tokens.save(CredentialStore.TOKEN, stored, response, Map.of());
    }

    /**
     * A refresh token from the environment is spent once (rotation); what it bought is cached under its
     * hash, so the next command reuses and renews that instead of presenting the spent token again.
     */
    private ObjectNode fromRefreshToken(String refresh) {
        String hash = sha256(refresh);
        ObjectNode cached = tokens.cached(CredentialStore.ENV_TOKEN);
        if (cached != null && hash.equals(cached.path("env_refresh_sha256").asText())) {
            return tokens.fresh(CredentialStore.ENV_TOKEN, cached);
        }
        return store.locked(() -> {
            ObjectNode raced = tokens.cached(CredentialStore.ENV_TOKEN);
            if (raced != null && hash.equals(raced.path("env_refresh_sha256").asText())) {
                return tokens.fresh(CredentialStore.ENV_TOKEN, raced);
            }
            ObjectNode seed = CliJson.object().put("source", "refresh_token").put("refresh_token", refresh)
                    .put("client_id", g.env("GATEHOUSE_CLIENT_ID")).put("expires_at", 0).put("env_refresh_sha256", hash);
            return tokens.renewNow(CredentialStore.ENV_TOKEN, seed);
        });
    }

    private static Credential bearer(String file, ObjectNode t) {
        String token = t.get("access_token").asText();
        return new Credential(Kind.CACHED_TOKEN, "Bearer " + token, "access token (" + TokenCache.how(t) + ")", token, t, file);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
