package io.gatehouse.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Token requests (RFC 6749 §3.2): a form POST answered by a token response; a refusal is exit 3. */
final class TokenRequests {
    private final Http http;

    TokenRequests(Http http) {
        this.http = http;
    }

    /** POSTs the form (with HTTP Basic client authentication when {@code basicAuth} is set). */
    ObjectNode post(String url, Map<String, String> form, String basicAuth) {
        Http.Response r = send(url, form, basicAuth);
        if (r.status() != 200 || r.json() == null || !r.json().hasNonNull("access_token")) {
            String why = r.json() != null && r.json().has("error")
                    ? r.json().path("error").asText() + ": " + r.json().path("error_description").asText()
                    : "HTTP " + r.status();
            throw new CliException(CliException.AUTH, "The token request was refused (" + why + ")");
        }
        return (ObjectNode) r.json();
    }

    /** POSTs the form and returns the answer as it is, whatever its status (the device grant reads its errors). */
    Http.Response send(String url, Map<String, String> form, String basicAuth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        if (basicAuth != null) {
            b.header("Authorization", basicAuth);
        }
        return http.send(b.build());
    }

    /** RFC 6749 §2.3.1: id and secret form-encoded, then Base64. */
    static String basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> form(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
