package io.gatehouse.interop.rs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real Gatehouse: the main build's launcher jar as a process, on free ports, with its own data folder. */
final class Gatehouse implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String issuer;
    final String admin;
    private final Process process;
    private final Path log;

    private Gatehouse(String issuer, String admin, Process process, Path log) {
        this.issuer = issuer;
        this.admin = admin;
        this.process = process;
        this.log = log;
    }

    static Gatehouse start() throws Exception {
        Path jar = Path.of(System.getProperty("gatehouse.jar", "../../target/gatehouse.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build Gatehouse first (mvn package in the project root)");
        }
        int port = freePort();
        int adminPort = freePort();
        Path data = Files.createTempDirectory("gatehouse-interop");
        Path log = data.resolveSibling(data.getFileName() + ".log");
        String issuer = "http://127.0.0.1:" + port;
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(), "serve");
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().put("GATEHOUSE_PORT", Integer.toString(port));
        pb.environment().put("GATEHOUSE_ADMIN_PORT", Integer.toString(adminPort));
        pb.environment().put("GATEHOUSE_DATA_DIR", data.toString());
        pb.environment().put("GATEHOUSE_ISSUER", issuer);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Gatehouse g = new Gatehouse(issuer, "http://127.0.0.1:" + adminPort, pb.start(), log);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return g;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!g.process.isAlive() || Instant.now().isAfter(deadline)) {
                g.close();
                throw new IllegalStateException("Gatehouse did not start:\n" + Files.readString(log));
            }
            Thread.sleep(100); // polling a process we started until it listens
        }
    }

    /** POSTs JSON to the admin API; returns the body (asserting 201). */
    String adminPost(String path, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(admin + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new AssertionError(path + " → " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** A string or number field of a flat JSON answer. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"([^\"]*)\"|(-?[0-9]+))").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(20), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
