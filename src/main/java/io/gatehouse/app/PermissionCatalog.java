package io.gatehouse.app;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named permissions apps may ask for (SPEC §6): the built-in API's, plus those that proxied
 * routes declare. An access token may call an endpoint only when its scope holds the endpoint's one.
 */
public final class PermissionCatalog {
    private final Map<String, String> permissions = new ConcurrentHashMap<>();

    public PermissionCatalog() {
        add("user.read", "Read your account profile (GET /v1.0/me)");
        add("leads.read", "Read your leads");
        add("leads.write", "Create, change and delete your leads");
    }

    public void add(String name, String description) {
        permissions.putIfAbsent(name, description);
    }

    public boolean contains(String name) {
        return permissions.containsKey(name);
    }

    public String describe(String name) {
        return permissions.getOrDefault(name, name);
    }

    /** Every permission with its description, sorted by name. */
    public Map<String, String> all() {
        Map<String, String> sorted = new LinkedHashMap<>();
        permissions.keySet().stream().sorted().forEach(k -> sorted.put(k, permissions.get(k)));
        return sorted;
    }

    public void requireKnown(String field, Collection<String> names) {
        for (String n : names) {
            if (!contains(n)) {
                throw io.gatehouse.core.DomainException.invalid(field + " has an unknown permission '" + n
                        + "'; known: " + String.join(", ", all().keySet()));
            }
        }
    }
}
