package io.gatehouse.portal;

import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The portal's stylesheet, served from the jar. */
final class PortalStatic {
    private final byte[] css = read("/portal/portal.css");
    private final byte[] js = read("/portal/portal.js");

    private static byte[] read(String resource) {
        try (InputStream in = PortalStatic.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(Router r) {
        r.add(new Route("GET", "/portal/static/portal.css", Route.Access.OPEN, null, ex -> {
            ex.header("Cache-Control", "public, max-age=3600");
            ex.send(200, "text/css; charset=utf-8", css);
        }));
        r.add(new Route("GET", "/portal/static/portal.js", Route.Access.OPEN, null, ex -> {
            ex.header("Cache-Control", "public, max-age=3600");
            ex.send(200, "text/javascript; charset=utf-8", js);
        }));
    }
}
