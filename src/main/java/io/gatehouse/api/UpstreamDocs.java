package io.gatehouse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Proxied routes' own OpenAPI documents (a file or an http(s) URL, JSON or YAML), read with a size
 * and time bound and kept for a while; a failure is kept too (shorter), so a dead upstream costs
 * one slow try per minute, never a failed {@code /openapi.json}.
 */
public final class UpstreamDocs {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamDocs.class);
    static final int MAX_BYTES = 2 * 1024 * 1024;

    /** The document, or why there is none. */
    public record Result(JsonNode document, String problem) {
    }

    /** Made on the first http(s) document: most nodes have none, and a client costs a thread and TLS set-up at start. */
    private volatile HttpClient http;
    private final Duration timeout;
    private final Cache<String, Result> found = Caffeine.newBuilder().maximumSize(200)
            .expireAfterWrite(Duration.ofMinutes(5)).executor(Runnable::run).build();
    private final Cache<String, Result> failed = Caffeine.newBuilder().maximumSize(200)
            .expireAfterWrite(Duration.ofMinutes(1)).executor(Runnable::run).build();

    public UpstreamDocs(Duration timeout) {
        this.timeout = timeout;
    }

    private HttpClient http() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
                    http = c;
                }
            }
        }
        return c;
    }

    public Result get(String source) {
        Result r = found.getIfPresent(source);
        if (r == null) {
            r = failed.getIfPresent(source);
        }
        if (r != null) {
            return r;
        }
        try {
            r = new Result(parse(read(source)), null);
            found.put(source, r);
        } catch (IOException | RuntimeException e) {
            String problem = e instanceof java.net.http.HttpTimeoutException ? "timed out" : String.valueOf(e.getMessage());
            LOG.warn("Cannot read the OpenAPI document {}: {}", source, problem);
            r = new Result(null, problem.length() > 200 ? problem.substring(0, 200) : problem);
            failed.put(source, r);
        }
        return r;
    }

    private byte[] read(String source) throws IOException {
        if (source.startsWith("http://") || source.startsWith("https://")) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(source)).timeout(timeout).GET().build();
            try {
                HttpResponse<InputStream> res = http().send(req, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = res.body()) {
                    if (res.statusCode() != 200) {
                        throw new IOException("HTTP " + res.statusCode());
                    }
                    return bounded(in);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        try (InputStream in = Files.newInputStream(Path.of(source))) {
            return bounded(in);
        }
    }

    private static byte[] bounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        return bytes;
    }

    private static JsonNode parse(byte[] bytes) throws IOException {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
        JsonNode node;
        if (text.startsWith("{")) {
            node = OpenApi.JSON.readTree(text);
        } else {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(20);
            node = OpenApi.JSON.valueToTree(new Yaml(new SafeConstructor(options)).load(text));
        }
        if (node == null || !node.isObject() || !node.path("paths").isObject()) {
            throw new IOException("not an OpenAPI document (no paths)");
        }
        return node;
    }

}
