package io.gatehouse.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * One entry of the routes file (SPEC §7).
 *
 * @param path     {@code /v1.0/ai/**} matches the prefix and everything under it; anything else matches exactly
 * @param methods  allowed methods; empty means every one of {@link #METHODS}
 * @param permission the permission an access token needs, or null (any valid credential)
 * @param limitPerMinute the route's own per-minute limit, 0 for none
 * @param openapi  the upstream's own OpenAPI document (a file path or an http(s) URL), or null (SPEC §7 v2)
 */
public record ProxyRoute(String path, Set<String> methods, URI upstream, String permission, int limitPerMinute,
                         Duration timeout, String openapi) {
    /**
     * The methods a route may allow. Others (CONNECT, TRACE, any token a client makes up) are never forwarded: they
     * are 405, so nothing a client invents reaches an upstream or becomes a metric label.
     */
    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    public boolean isPrefix() {
        return path.endsWith("/**");
    }

    /** The path without the {@code /**}. */
    public String base() {
        return isPrefix() ? path.substring(0, path.length() - 3) : path;
    }

    public boolean matchesPath(String requestPath) {
        return matchesPath(requestPath, false);
    }

    /**
     * Whether the route takes the (normalized) path: an exact route its path, a prefix route its base and everything
     * under it; either with or without one trailing slash, as the built-in routes do (an upstream that serves
     * {@code /report} mostly serves {@code /report/} the same way, so both must meet the route's permission).
     */
    public boolean matchesPath(String requestPath, boolean ignoreCase) {
        String base = base();
        if (isPrefix() && base.isEmpty()) {
            return true;
        }
        int n = base.length();
        if (!requestPath.regionMatches(ignoreCase, 0, base, 0, n)) {
            return false;
        }
        return requestPath.length() == n || requestPath.charAt(n) == '/' && (isPrefix() || requestPath.length() == n + 1);
    }

    /** The methods the route allows, for an {@code Allow} header. */
    public String allowed() {
        return String.join(", ", new TreeSet<>(methods.isEmpty() ? METHODS : methods));
    }

    public boolean allows(String method) {
        return methods.isEmpty() ? METHODS.contains(method) : methods.contains(method);
    }
}
