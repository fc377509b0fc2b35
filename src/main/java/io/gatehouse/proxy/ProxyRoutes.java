package io.gatehouse.proxy;

import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.http.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxied routes in force. The file is re-read when it changes; the new table replaces the old
 * one in a single write, so requests in progress finish on the route they started with and none is
 * dropped. A file that does not parse leaves the running table in place (and is logged).
 */
public final class ProxyRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyRoutes.class);

    private final Path file;
    private final Proxy proxy;
    private final PermissionCatalog catalog;
    private volatile List<Entry> table = List.of();
    private volatile FileTime loadedAt;

    private record Entry(ProxyRoute config, Route route) {
    }

    /** A match: the route, or the methods the path allows (405), or nothing. */
    public record Match(Route route, String allow) {
    }

    public ProxyRoutes(Path file, Proxy proxy, PermissionCatalog catalog) throws IOException {
        this.file = file;
        this.proxy = proxy;
        this.catalog = catalog;
        if (file != null) {
            install(RoutesFile.read(file), Files.getLastModifiedTime(file));
        }
    }

    public Match match(String method, String path) {
        return match(method, path, false);
    }

    /** The most specific route that takes the path, its letter case ignored if asked (most specific first). */
    public Match match(String method, String path, boolean ignoreCase) {
        for (Entry e : table) {
            if (e.config.matchesPath(path, ignoreCase)) {
                if (e.config.allows(method)) {
                    return new Match(e.route, null);
                }
                return new Match(null, e.config.allowed());
            }
        }
        return null;
    }

    /** Re-reads the file if it changed since it was loaded (run every second). */
    public void reloadIfChanged() {
        if (file == null) {
            return;
        }
        try {
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(loadedAt)) {
                return;
            }
            install(RoutesFile.read(file), t);
            LOG.info("Reloaded {} proxied route(s) from {}", table.size(), file);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("Keeping the current routes: {}", e.getMessage());
            try {
                loadedAt = Files.getLastModifiedTime(file);
            } catch (IOException ignored) {
                // try again next time
            }
        }
    }

    public List<ProxyRoute> routes() {
        return table.stream().map(Entry::config).toList();
    }

    private void install(List<ProxyRoute> routes, FileTime t) {
        List<Entry> entries = new ArrayList<>();
        for (ProxyRoute r : routes) {
            if (r.permission() != null) {
                catalog.add(r.permission(), "Use " + r.path());
            }
            entries.add(new Entry(r, new Route("*", r.path(), Route.Access.CREDENTIAL, r.permission(),
                    ex -> proxy.forward(ex, r), r.limitPerMinute())));
        }
        table = List.copyOf(entries);
        loadedAt = t;
    }
}
