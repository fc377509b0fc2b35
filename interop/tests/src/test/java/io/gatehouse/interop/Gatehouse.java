package io.gatehouse.interop;

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
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Gatehouse: the main build's launcher jar as a process, on free ports, with its own data folder.
 * One per test JVM ({@link #shared()}): every interop test class uses it, each with its own accounts and apps.
 */
final class Gatehouse {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The JIT's quick tier only: these processes live for seconds, and start faster without the optimizing compiler. */
    static final String QUICK_START = "-XX:TieredStopAtLevel=1";
    private static Gatehouse shared;

    final String issuer;
    final String admin;
    private final Process process;
    private final Path data;
    private final Path log;

    private Gatehouse(String issuer, String admin, Process process, Path data, Path log) {
        this.issuer = issuer;
        this.admin = admin;
        this.process = process;
        this.data = data;
        this.log = log;
    }

    /** The Gatehouse of this JVM, started on first use and stopped when the JVM exits. */
    static synchronized Gatehouse shared() throws Exception {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    private static Gatehouse start() throws Exception {
        Path jar = Path.of(System.getProperty("gatehouse.jar", "../../target/gatehouse.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build Gatehouse first (mvn package in the project root)");
        }
        int port = freePort();
        int adminPort = freePort();
        Path data = Files.createTempDirectory("gatehouse-interop");
        // Kept after the run (target/, next to the surefire reports) for a look when something failed.
        Path log = Files.createDirectories(Path.of("target")).resolve("gatehouse.log").toAbsolutePath();
        String issuer = "http://127.0.0.1:" + port;
        ProcessBuilder pb = new ProcessBuilder(java(), QUICK_START, "-jar", jar.toString(), "serve");
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().put("GATEHOUSE_PORT", Integer.toString(port));
        pb.environment().put("GATEHOUSE_ADMIN_PORT", Integer.toString(adminPort));
        pb.environment().put("GATEHOUSE_DATA_DIR", data.toString());
        pb.environment().put("GATEHOUSE_ISSUER", issuer);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Gatehouse g = new Gatehouse(issuer, "http://127.0.0.1:" + adminPort, pb.start(), data, log);
        try {
            awaitAnswer(URI.create(issuer + "/healthz"), 200, g.process, log);
        } catch (Exception | AssertionError e) {
            g.close();
            throw e;
        }
        return g;
    }

    /** The java that runs these tests: a JDK 21+ by construction. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Polls a process we started until {@code uri} answers {@code status} (at most two minutes on a loaded machine). */
    static void awaitAnswer(URI uri, int status, Process process, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(uri + " did not answer " + status + " (process "
                        + (process.isAlive() ? "still running" : "exited " + process.exitValue()) + "):\n" + Files.readString(log));
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
