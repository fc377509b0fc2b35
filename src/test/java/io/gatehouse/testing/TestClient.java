package io.gatehouse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The JDK HttpClient against one base URL, with JSON helpers. */
public final class TestClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public final String base;

    public TestClient(String base) {
        this.base = base;
    }

    public Resp get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Resp delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    public Resp post(String path, Object json, String... headers) {
        return send("POST", path, json, headers);
    }

    public Resp put(String path, Object json, String... headers) {
        return send("PUT", path, json, headers);
    }

    public Resp patch(String path, Object json, String... headers) {
        return send("PATCH", path, json, headers);
    }

    /** Sends a body: a String or byte[] as is, anything else as JSON. Headers are name, value pairs. */
    public Resp send(String method, String path, Object body, String... headers) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : body instanceof byte[] b ? HttpRequest.BodyPublishers.ofByteArray(b)
                : body instanceof String s ? HttpRequest.BodyPublishers.ofString(s)
                : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, publisher);
        if (body != null && !(body instanceof String) && !(body instanceof byte[])) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return new Resp(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String[] token(String key) {
        return new String[] {"Authorization", "token " + key};
    }

    public static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    /** A response with its body already read. */
    public record Resp(HttpResponse<String> raw) {
        public int status() {
            return raw.statusCode();
        }

        public String body() {
            return raw.body();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + raw.statusCode() + "): " + raw.body(), e);
            }
        }

        public Map<String, java.util.List<String>> headers() {
            return raw.headers().map();
        }

        @Override
        public String toString() {
            return raw.statusCode() + " " + raw.body();
        }
    }
}
