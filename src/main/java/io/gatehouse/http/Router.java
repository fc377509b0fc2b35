package io.gatehouse.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the route for a method and path. Static paths are one map lookup; templates with
 * {@code {name}} segments are tried in the order they were added. A path that exists with another
 * method is a 405 that lists the methods it has.
 */
public final class Router {
    private final Map<String, Map<String, Route>> exact = new HashMap<>();
    private final List<Template> templates = new ArrayList<>();
    private final List<Route> all = new ArrayList<>();

    /** The outcome: a route with its path parameters, or why there is none. */
    public record Match(Route route, Map<String, String> params, String allow) {
        public boolean found() {
            return route != null;
        }
    }

    private record Template(String[] segments, Map<String, Route> byMethod) {
    }

    public Router add(Route route) {
        String template = route.template();
        if (!template.contains("{")) {
            putUnique(exact.computeIfAbsent(template, k -> new LinkedHashMap<>()), route);
            all.add(route);
            return this;
        }
        String[] segments = split(template);
        for (Template t : templates) {
            if (java.util.Arrays.equals(t.segments, segments)) {
                putUnique(t.byMethod, route);
                all.add(route);
                return this;
            }
        }
        Map<String, Route> byMethod = new LinkedHashMap<>();
        byMethod.put(route.method(), route);
        templates.add(new Template(segments, byMethod));
        all.add(route);
        return this;
    }

    /** Every route this router serves, in the order they were added (the API description walks these). */
    public List<Route> routes() {
        return List.copyOf(all);
    }

    public Match match(String method, String rawPath) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        Map<String, Route> byMethod = exact.get(path);
        if (byMethod != null) {
            return pick(byMethod, method, Map.of());
        }
        String[] segments = null;
        for (Template t : templates) {
            if (segments == null) {
                segments = split(path);
            }
            Map<String, String> params = bind(t.segments, segments);
            if (params != null) {
                return pick(t.byMethod, method, params);
            }
        }
        return new Match(null, Map.of(), null);
    }

    private static Match pick(Map<String, Route> byMethod, String method, Map<String, String> params) {
        Route route = byMethod.get(method);
        if (route != null) {
            return new Match(route, params, null);
        }
        return new Match(null, params, String.join(", ", new TreeSet<>(byMethod.keySet())));
    }

    private static Map<String, String> bind(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(t.substring(1, t.length() - 1), RequestPath.decodeSegment(path[i]));
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    private static String[] split(String path) {
        return (path.startsWith("/") ? path.substring(1) : path).split("/", -1);
    }

    private static void putUnique(Map<String, Route> byMethod, Route route) {
        if (byMethod.putIfAbsent(route.method(), route) != null) {
            throw new IllegalStateException("two routes for " + route.method() + " " + route.template());
        }
    }
}
