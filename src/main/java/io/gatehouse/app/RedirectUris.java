package io.gatehouse.app;

import io.gatehouse.core.DomainException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Redirect URIs: what may be registered, and whether a requested one matches (RFC 6749 §3.1.2,
 * RFC 8252 §7, RFC 9700 §4.1: exact string match, except that a loopback URI of a native app may
 * use any port).
 */
public final class RedirectUris {
    public static final int MAX = 10;

    private RedirectUris() {
    }

    /**
     * Checks a registration: https, http on a loopback host, or a private-use scheme (com.example.app:/cb);
     * never a fragment or user info (RFC 6749 §3.1.2, RFC 9700 §4.1), and a port, when given, is 1..65535.
     */
    public static List<String> validate(String field, List<String> uris) {
        if (uris == null || uris.isEmpty()) {
            throw DomainException.invalid(field + " must list at least one redirect URI");
        }
        if (uris.size() > MAX) {
            throw DomainException.invalid(field + " may list at most " + MAX + " redirect URIs");
        }
        for (String u : uris) {
            URI uri = parse(u);
            if (uri == null || !uri.isAbsolute() || uri.getRawFragment() != null) {
                throw DomainException.invalid(field + ": '" + u + "' must be an absolute URI without a fragment");
            }
            if (uri.getRawUserInfo() != null) {
                throw DomainException.invalid(field + ": '" + u + "' must not hold user info (name@ or name:password@)");
            }
            if (!portIsValid(uri)) {
                throw DomainException.invalid(field + ": '" + u + "' has a port outside 1..65535");
            }
            if (!allowedScheme(uri)) {
                throw DomainException.invalid(field + ": '" + u + "' must use https, http on localhost/127.0.0.1/[::1],"
                        + " or a private-use scheme such as com.example.app:/callback");
            }
        }
        return List.copyOf(uris);
    }

    /** Whether a redirect URI sent to /oauth/authorize is one of the app's (and one that could be registered today). */
    public static boolean matches(List<String> registered, String requested) {
        URI req = parse(requested);
        if (req == null || !req.isAbsolute() || req.getRawFragment() != null || req.getRawUserInfo() != null
                || !portIsValid(req) || !allowedScheme(req)) {
            return false;
        }
        if (registered.contains(requested)) {
            return true;
        }
        if (!"http".equalsIgnoreCase(req.getScheme()) || !isLoopback(req)) {
            return false;
        }
        for (String r : registered) {
            URI reg = parse(r);
            if (reg != null && "http".equalsIgnoreCase(reg.getScheme()) && isLoopback(reg)
                    && reg.getHost().equalsIgnoreCase(req.getHost())
                    && same(reg.getRawPath(), req.getRawPath()) && same(reg.getRawQuery(), req.getRawQuery())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The origin a redirect URI belongs to, built from its parsed parts only ({@code scheme://host[:port]},
     * or {@code scheme:} without a host), for a Content-Security-Policy {@code form-action}: nothing of the
     * URI's path, query or user info can reach the header. Null when the host has characters no host has.
     */
    public static String origin(String redirectUri) {
        URI u = parse(redirectUri);
        if (u == null || u.getScheme() == null || !u.getScheme().matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return null;
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null) {
            return u.getRawAuthority() == null ? scheme + ":" : null;
        }
        if (!u.getHost().matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]") || !portIsValid(u)) {
            return null;
        }
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() == -1 ? "" : ":" + u.getPort());
    }

    private static boolean allowedScheme(URI uri) {
        return switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
            case "https" -> uri.getHost() != null;
            case "http" -> isLoopback(uri);
            default -> uri.getScheme().contains(".") && (uri.getRawAuthority() == null || uri.getHost() != null);
        };
    }

    /** RFC 8252 §7.3 lets a loopback redirect use any port, but only a real one: 1..65535, and none left empty. */
    private static boolean portIsValid(URI uri) {
        int port = uri.getPort();
        String authority = uri.getRawAuthority();
        return (port == -1 || port >= 1 && port <= 65535) && (authority == null || !authority.endsWith(":"));
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        return host != null && (host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost"));
    }

    private static URI parse(String s) {
        if (s == null || s.length() > 2000) {
            return null;
        }
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
