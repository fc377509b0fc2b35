package io.gatehouse.bench;

import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;

/** A fast local upstream for bench/run.sh: answers every request with a small JSON body. */
public final class Upstream {
    private Upstream() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        WebServer.builder().host("127.0.0.1").port(port)
                .routing(r -> r.any((req, res) -> {
                    res.header("Content-Type", "application/json");
                    res.send(body);
                }))
                .build().start();
        System.out.println("upstream listening on " + port);
    }
}
