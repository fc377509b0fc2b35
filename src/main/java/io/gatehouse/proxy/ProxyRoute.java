package io.gatehouse.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * One entry of the routes file (SPEC §7).
 *
 * @param path     {@code /v1.0/ai/**} matches the prefix and everything under it; anything else matches exactly
 * @param methods  allowed methods; empty means all
 * @param permission the permission an access token needs, or null (any valid credential)
 * @param limitPerMinute the route's own per-minute limit, 0 for none
 * @param openapi  the upstream's own OpenAPI document (a file path or an http(s) URL), or null (SPEC §7 v2)
 */
public record ProxyRoute(String path, Set<String> methods, URI upstream, String permission, int limitPerMinute,
                         Duration timeout, String openapi) {

    public boolean isPrefix() {
        return path.endsWith("/**");
    }

    /** The path without the {@code /**}. */
    public String base() {
        return isPrefix() ? path.substring(0, path.length() - 3) : path;
    }

    public boolean matchesPath(String requestPath) {
        if (!isPrefix()) {
            return requestPath.equals(path);
        }
        String base = base();
        return requestPath.equals(base) || requestPath.startsWith(base + "/") || base.isEmpty();
    }

    public boolean allows(String method) {
        return methods.isEmpty() || methods.contains(method);
    }
}
