package io.gatehouse.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.core.DomainException;
import io.gatehouse.core.Json;
import io.gatehouse.store.Jdbc;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An app's OpenID Connect and browser metadata (SPEC §5 v2), kept beside the app: the URIs that
 * RP-initiated logout may return to ({@code post_logout_redirect_uris}) and the extra browser origins
 * allowed to call the token endpoint and the API ({@code allowed_origins}). Cached per node for a few
 * seconds, like apps.
 */
public final class ClientSettings {
    public static final int MAX = 10;
    private static final long CACHE_MILLIS = 5_000;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    /** The settings of one app; both lists empty when none were set. */
    public record Settings(List<String> postLogoutRedirectUris, List<String> allowedOrigins) {
        public static final Settings NONE = new Settings(List.of(), List.of());
    }

    /** A value read from the database at {@code loadedAt} (clock millis): used for {@link #CACHE_MILLIS}. */
    private record Cached<T>(T value, long loadedAt) {
    }

    /** The redirect and logout URIs an admin approved with the app (none for an app never approved). */
    public record Reviewed(List<String> redirectUris, List<String> logoutUris) {
        static final Reviewed NONE = new Reviewed(List.of(), List.of());
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Audit audit;
    /** Bounded and expiring like the app cache: client ids come from requests. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Cached<Settings>> cache = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().maximumSize(100_000).expireAfterWrite(java.time.Duration.ofHours(1)).executor(Runnable::run).build();
    private volatile Cached<Settings> origins;
    private final com.github.benmanes.caffeine.cache.Cache<String, Cached<Reviewed>> reviews = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().maximumSize(100_000).expireAfterWrite(java.time.Duration.ofHours(1)).executor(Runnable::run).build();

    public ClientSettings(Jdbc jdbc, Clock clock, Audit audit) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
    }

    public Settings of(String clientId) {
        return fresh(cache, clientId, () -> jdbc.one(
                "SELECT post_logout_redirect_uris, allowed_origins FROM app_client_settings WHERE client_id = ?",
                rs -> new Settings(strings(rs.getString(1)), strings(rs.getString(2))), clientId).orElse(Settings.NONE));
    }

    /** What an admin approved with the app; read again after a few seconds, like the settings. */
    public Reviewed reviewed(String clientId) {
        return fresh(reviews, clientId, () -> jdbc.one("SELECT redirect_uris, logout_uris FROM app_reviewed_uris WHERE client_id = ?",
                rs -> new Reviewed(strings(rs.getString(1)), strings(rs.getString(2))), clientId).orElse(Reviewed.NONE));
    }

    /** The app's cached value if it was read within {@link #CACHE_MILLIS}, else {@code load}'s, cached. */
    private <T> T fresh(com.github.benmanes.caffeine.cache.Cache<String, Cached<T>> from, String clientId, Supplier<T> load) {
        Cached<T> c = from.getIfPresent(clientId);
        long now = clock.millis();
        if (c != null && now - c.loadedAt() < CACHE_MILLIS) {
            return c.value();
        }
        T value = load.get();
        from.put(clientId, new Cached<>(value, now));
        return value;
    }

    /** An admin approved the app, or changed it: its redirect and logout URIs as they are now count as reviewed. */
    public void markReviewed(App app) {
        cache.invalidate(app.clientId());
        Settings s = of(app.clientId());
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM app_reviewed_uris WHERE client_id = ?", app.clientId());
            Jdbc.update(c, "INSERT INTO app_reviewed_uris (client_id, redirect_uris, logout_uris) VALUES (?, ?, ?)",
                    app.clientId(), Json.string(app.redirectUris()), Json.string(s.postLogoutRedirectUris()));
            return null;
        });
        reviews.invalidate(app.clientId());
    }

    /** Replaces the lists that are not null, after checking them; a refused change changes nothing; a change is audited. */
    public Settings change(String clientId, List<String> postLogoutRedirectUris, List<String> allowedOrigins) {
        if (postLogoutRedirectUris == null && allowedOrigins == null) {
            return of(clientId);
        }
        List<String> logout = postLogoutRedirectUris == null ? null : logoutUris(postLogoutRedirectUris);
        List<String> allowed = allowedOrigins == null ? null : origins(allowedOrigins);
        cache.invalidate(clientId);
        Settings old = of(clientId);
        Settings s = new Settings(logout == null ? old.postLogoutRedirectUris() : logout,
                allowed == null ? old.allowedOrigins() : allowed);
        List<String> fields = new ArrayList<>();
        if (!s.postLogoutRedirectUris().equals(old.postLogoutRedirectUris())) {
            fields.add("post_logout_redirect_uris");
        }
        if (!s.allowedOrigins().equals(old.allowedOrigins())) {
            fields.add("allowed_origins");
        }
        if (fields.isEmpty()) {
            return old;
        }
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM app_client_settings WHERE client_id = ?", clientId);
            Jdbc.update(c, "INSERT INTO app_client_settings (client_id, post_logout_redirect_uris, allowed_origins) VALUES (?, ?, ?)",
                    clientId, Json.string(s.postLogoutRedirectUris()), Json.string(s.allowedOrigins()));
            // SPEC §9: no change is unlogged, whichever door it came through (admin API, API, portal)
            audit.record(Audit.event(AuditType.APP_CHANGED).client(clientId).detail("fields", fields));
            return null;
        });
        cache.put(clientId, new Cached<>(s, clock.millis()));
        origins = null;
        return s;
    }

    /**
     * SPEC §5 CORS: the browser origins an app may call from: those of its https and loopback redirect
     * URIs, and its {@code allowed_origins}.
     */
    public Set<String> allowedOrigins(App app) {
        Set<String> out = new LinkedHashSet<>();
        for (String uri : app.redirectUris()) {
            String origin = RedirectUris.origin(uri);
            if (origin != null && (origin.startsWith("https://") || origin.startsWith("http://"))) {
                out.add(origin);
            }
        }
        out.addAll(of(app.clientId()).allowedOrigins());
        return out;
    }

    /** Every origin some app allows (for preflights, which name no app); reloaded every few seconds. */
    public Set<String> anyAppOrigins() {
        Cached<Settings> c = origins;
        long now = clock.millis();
        if (c != null && now - c.loadedAt() < CACHE_MILLIS) {
            return Set.copyOf(c.value().allowedOrigins());
        }
        Set<String> all = new LinkedHashSet<>();
        for (String json : jdbc.list("SELECT redirect_uris FROM apps", rs -> rs.getString(1))) {
            for (String uri : strings(json)) {
                String origin = RedirectUris.origin(uri);
                if (origin != null && (origin.startsWith("https://") || origin.startsWith("http://"))) {
                    all.add(origin);
                }
            }
        }
        for (String json : jdbc.list("SELECT allowed_origins FROM app_client_settings", rs -> rs.getString(1))) {
            all.addAll(strings(json));
        }
        origins = new Cached<>(new Settings(List.of(), List.copyOf(all)), now);
        return all;
    }

    /** An app's change was announced by another node: read its settings again. */
    public void evict(String clientId) {
        cache.invalidate(clientId);
        reviews.invalidate(clientId);
        origins = null;
    }

    /** OpenID RP-Initiated Logout 1.0 §3.1: absolute URIs under the same rules as redirect URIs; may be empty. */
    public static List<String> logoutUris(List<String> uris) {
        if (uris.isEmpty()) {
            return List.of();
        }
        if (uris.size() > MAX) {
            throw DomainException.invalid("post_logout_redirect_uris may list at most " + MAX + " URIs");
        }
        return RedirectUris.validate("post_logout_redirect_uris", uris);
    }

    /** {@code scheme://host[:port]} with https, or http on a loopback host; nothing else (no path, no wildcard). */
    public static List<String> origins(List<String> list) {
        if (list.size() > MAX) {
            throw DomainException.invalid("allowed_origins may list at most " + MAX + " origins");
        }
        List<String> out = new ArrayList<>();
        for (String o : list) {
            URI u;
            try {
                u = o == null || o.length() > 300 ? null : new URI(o);
            } catch (URISyntaxException e) {
                u = null;
            }
            String canonical = u == null ? null : RedirectUris.origin(o);
            boolean bare = u != null && u.getRawUserInfo() == null && (u.getRawPath() == null || u.getRawPath().isEmpty())
                    && u.getRawQuery() == null && u.getRawFragment() == null;
            String scheme = u == null || u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String host = u == null || u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
            if (canonical == null || !bare || !(scheme.equals("https") || scheme.equals("http") && loopback)) {
                throw DomainException.invalid("allowed_origins: '" + o + "' must be an origin such as https://app.example.com "
                        + "(https, or http on localhost/127.0.0.1/[::1]; no path)");
            }
            if (!out.contains(canonical)) {
                out.add(canonical);
            }
        }
        return List.copyOf(out);
    }

    private static List<String> strings(String json) {
        try {
            return Json.MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("malformed JSON list in app_client_settings", e);
        }
    }
}
