package io.gatehouse.proxy;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads the routes file (YAML, SPEC §7); every mistake is reported with the route's index and field. */
public final class RoutesFile {
    private static final Set<String> FIELDS = Set.of("path", "methods", "upstream", "permission", "limit_per_minute",
            "timeout_seconds", "openapi");

    private RoutesFile() {
    }

    /** The routes, longest path first (the most specific prefix wins). */
    public static List<ProxyRoute> read(Path file) throws IOException {
        Object doc;
        try (Reader r = Files.newBufferedReader(file)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
        }
        if (doc == null) {
            return List.of();
        }
        if (!(doc instanceof Map<?, ?> top) || !(top.get("routes") instanceof List<?> entries)) {
            throw new IllegalArgumentException(file + ": expected a top-level 'routes:' list");
        }
        List<ProxyRoute> routes = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            routes.add(route(file + ": routes[" + i + "]", entries.get(i), file));
        }
        routes.sort(Comparator.comparingInt((ProxyRoute r) -> r.base().length()).reversed());
        return List.copyOf(routes);
    }

    private static ProxyRoute route(String where, Object entry, Path file) {
        if (!(entry instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        for (Object k : m.keySet()) {
            if (!FIELDS.contains(String.valueOf(k))) {
                throw new IllegalArgumentException(where + ": unknown field '" + k + "'");
            }
        }
        String path = string(where, m, "path", true);
        String base = path.endsWith("/**") ? path.substring(0, path.length() - 3) : path;
        if (!path.startsWith("/") || base.contains("*") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException(where + ".path: must start with / and may end with /** (prefix match)");
        }
        Set<String> methods = new LinkedHashSet<>();
        Object ms = m.get("methods");
        if (ms != null) {
            if (!(ms instanceof List<?> list)) {
                throw new IllegalArgumentException(where + ".methods: expected a list such as [GET, POST]");
            }
            for (Object o : list) {
                String method = String.valueOf(o).toUpperCase(Locale.ROOT);
                if (!ProxyRoute.METHODS.contains(method)) {
                    throw new IllegalArgumentException(where + ".methods: unknown method '" + o + "'");
                }
                methods.add(method);
            }
        }
        URI upstream;
        String u = string(where, m, "upstream", true);
        try {
            upstream = new URI(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(where + ".upstream: not a URL: " + u);
        }
        if (upstream.getHost() == null || !("http".equals(upstream.getScheme()) || "https".equals(upstream.getScheme()))
                || upstream.getRawQuery() != null) {
            throw new IllegalArgumentException(where + ".upstream: must be an http:// or https:// URL without a query");
        }
        String permission = string(where, m, "permission", false);
        if (permission != null && !permission.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException(where + ".permission: use lower-case letters, digits, '.', '_' or '-'");
        }
        int limit = number(where, m, "limit_per_minute", 0);
        int timeout = number(where, m, "timeout_seconds", 30);
        if (timeout == 0) {
            timeout = 30;
        }
        String openapi = string(where, m, "openapi", false);
        if (openapi != null && !openapi.startsWith("http://") && !openapi.startsWith("https://")) {
            // A file, relative to the routes file's folder.
            Path dir = file.toAbsolutePath().getParent();
            openapi = (dir == null ? Path.of(openapi) : dir.resolve(openapi)).normalize().toString();
        }
        return new ProxyRoute(path, Set.copyOf(methods), upstream, permission, limit, Duration.ofSeconds(timeout), openapi);
    }

    private static String string(String where, Map<?, ?> m, String field, boolean required) {
        Object v = m.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException(where + "." + field + ": required");
            }
            return null;
        }
        return String.valueOf(v).strip();
    }

    private static int number(String where, Map<?, ?> m, String field, int fallback) {
        Object v = m.get(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Integer n) || n < 1) {
            throw new IllegalArgumentException(where + "." + field + ": expected a whole number, 1 or more");
        }
        return n;
    }
}
