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

    /** Checks a registration: https, http on a loopback host, or a private-use scheme (com.example.app:/cb). */
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
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            boolean ok = switch (scheme) {
                case "https" -> uri.getHost() != null;
                case "http" -> isLoopback(uri);
                default -> scheme.contains(".");
            };
            if (!ok) {
                throw DomainException.invalid(field + ": '" + u + "' must use https, http on localhost/127.0.0.1/[::1],"
                        + " or a private-use scheme such as com.example.app:/callback");
            }
        }
        return List.copyOf(uris);
    }

    /** Whether a redirect URI sent to /oauth/authorize is one of the app's. */
    public static boolean matches(List<String> registered, String requested) {
        if (requested == null) {
            return false;
        }
        if (registered.contains(requested)) {
            return true;
        }
        URI req = parse(requested);
        if (req == null || !"http".equalsIgnoreCase(req.getScheme()) || !isLoopback(req)) {
            return false;
        }
        for (String r : registered) {
            URI reg = parse(r);
            if (reg != null && "http".equalsIgnoreCase(reg.getScheme()) && isLoopback(reg)
                    && reg.getHost().equalsIgnoreCase(req.getHost())
                    && same(reg.getRawPath(), req.getRawPath()) && same(reg.getRawQuery(), req.getRawQuery())
                    && req.getRawFragment() == null && req.getRawUserInfo() == null) {
                return true;
            }
        }
        return false;
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
