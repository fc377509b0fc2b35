package io.gatehouse;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.Terminal;
import io.gatehouse.core.Json;
import io.gatehouse.token.SigningAlgorithm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import sun.misc.Signal;

/**
 * The training run of the JDK's ahead-of-time cache (JEP 483/514/515), made by the launchers:
 * {@code java -XX:AOTCacheOutput=FILE -cp gatehouse.jar io.gatehouse.AotTraining}. It runs
 * {@code gatehouse serve} as the launcher does, on free loopback ports with a temporary data folder and no
 * other settings, sends the requests a node sees every day (health, admin calls, an API key, a
 * client-credentials token, calls with both, the portal, the API description), then stops it as SIGTERM
 * does. The JVM writes the cache of every class loaded and linked, and the profiles gathered, as it exits.
 */
public final class AotTraining {
    private static final int HOT_ROUNDS = 100;
    private static final int GRANT_ROUNDS = 1_000;

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-aot-");
        int port = freePort();
        int admin = freePort();
        Path config = Files.writeString(dir.resolve("training.conf"), String.join("\n",
                "bind=127.0.0.1", "port=" + port, "admin_bind=127.0.0.1", "admin_port=" + admin,
                "data_dir=" + dir.resolve("data"), "api_key_rate_limit=1000000", ""));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serve = Thread.ofPlatform().name("aot-training-serve")
                .start(() -> exit.set(Main.run(Terminal.system(), "serve", "--config", config.toString())));
        int code = 1;
        try {
            Training t = new Training("http://127.0.0.1:" + port, "http://127.0.0.1:" + admin);
            t.awaitReady(serve);
            t.exercise();
            code = 0;
        } catch (Exception | AssertionError e) {
            System.err.println("gatehouse: the training run failed: " + e);
        } finally {
            Signal.raise(new Signal("TERM"));
            serve.join(Duration.ofSeconds(60));
            deleteTree(dir);
        }
        System.exit(code == 0 ? exit.get() : code);
    }

    /** The requests, each checked: a training run that fails quietly would make a cache of the wrong paths. */
    private record Training(String api, String admin, HttpClient http) {
        Training(String api, String admin) {
            this(api, admin, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        }

        void awaitReady(Thread serve) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                if (!serve.isAlive()) {
                    throw new IllegalStateException("gatehouse serve stopped during the training run");
                }
                try {
                    if (send(get(admin + "/readyz")).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("gatehouse serve was not ready within 120 s");
        }

        void exercise() throws Exception {
            expect(200, get(api + "/healthz"));
            expect(200, get(admin + "/metrics"));
            JsonNode account = expect(201, post(admin + "/admin/v1/accounts",
                    "{\"email\":\"training@example.com\",\"password\":\"correct horse battery\"}"));
            long id = account.get("id").asLong();
            String key = expect(201, post(admin + "/admin/v1/accounts/" + id + "/api-keys", "{\"name\":\"training\"}"))
                    .get("key").asText();
            JsonNode app = expect(201, post(admin + "/admin/v1/apps", "{\"owner_id\":" + id + ",\"name\":\"Training\","
                    + "\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}"));
            expect(200, patch(admin + "/admin/v1/apps/" + app.get("client_id").asText(), "{\"rate_limit_per_minute\":1000000}"));
            String basic = Base64.getEncoder().encodeToString(
                    (app.get("client_id").asText() + ":" + app.get("client_secret").asText()).getBytes());
            HttpRequest grant = HttpRequest.newBuilder(URI.create(api + "/oauth/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&customer_key=" + key)).build();
            String token = expect(200, grant).get("access_token").asText();
            // Grants too are a hot path: their profiles (signing, the grant's writes) let C2 compile it early.
            for (int i = 0; i < GRANT_ROUNDS; i++) {
                expect(200, grant);
            }
            // The node signs RS256; a node set to ES256 or EdDSA signs with other code, trained here directly.
            SigningAlgorithm.train(GRANT_ROUNDS);
            expect(200, get(api + "/.well-known/openid-configuration"));
            expect(200, get(api + "/openapi.json"));
            expect(200, get(api + "/portal/login"));
            for (int i = 0; i < HOT_ROUNDS; i++) {
                expect(200, withAuth(api + "/v1.0/me", "token " + key));
                expect(200, withAuth(api + "/v1.0/me", "Bearer " + token));
                expect(200, get(api + "/healthz"));
            }
            expect(401, withAuth(api + "/v1.0/me", "token gh_not-a-key"));
            expect(404, get(api + "/v1.0/no-such-route"));
        }

        private HttpRequest get(String url) {
            return HttpRequest.newBuilder(URI.create(url)).GET().build();
        }

        private HttpRequest withAuth(String url, String authorization) {
            return HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).GET().build();
        }

        private HttpRequest post(String url, String json) {
            return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        }

        private HttpRequest patch(String url, String json) {
            return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build();
        }

        private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        private JsonNode expect(int status, HttpRequest request) throws IOException, InterruptedException {
            HttpResponse<String> r = send(request);
            if (r.statusCode() != status) {
                throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered "
                        + r.statusCode() + " during the training run, not " + status);
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            return type.startsWith("application/json") ? Json.MAPPER.readTree(r.body()) : null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
