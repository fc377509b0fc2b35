package io.gatehouse.proxy;

import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.ClientGoneException;
import io.gatehouse.http.Exchange;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JDK's HttpClient as the proxy's client: kept only for the comparison in bench/README.md
 * ({@code -Dgatehouse.proxy.client=jdk}); it adds a User-Agent of its own, so it is not the default.
 */
final class JdkUpstream {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private JdkUpstream() {
    }

    static void forward(Exchange ex, ProxyRoute route, String target, List<String> headers, boolean hasBody) {
        URI up = route.upstream();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(up.getScheme() + "://" + up.getRawAuthority() + target))
                .timeout(route.timeout());
        for (int i = 0; i < headers.size(); i += 2) {
            b.header(headers.get(i), headers.get(i + 1));
        }
        HttpRequest.BodyPublisher body = hasBody
                ? HttpRequest.BodyPublishers.ofInputStream(ex::clientBody) : HttpRequest.BodyPublishers.noBody();
        b.method(ex.method(), body);
        HttpResponse<InputStream> r;
        try {
            r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ApiException(ApiError.GATEWAY_TIMEOUT, "The upstream service did not answer in time.", Map.of(), e);
        } catch (IOException e) {
            ClientGoneException gone = ClientGoneException.in(e);
            if (gone != null) {
                throw gone;
            }
            throw new ApiException(ApiError.BAD_GATEWAY, "The upstream service could not be reached.", Map.of(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.BAD_GATEWAY, "The upstream service could not be reached.", Map.of(), e);
        }
        ServerResponse res = ex.rawResponse();
        List<String> connectionTokens = r.headers().allValues("connection");
        r.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (Proxy.HOP_BY_HOP.contains(lower) || lower.equals("x-request-id") || lower.startsWith("x-ratelimit-")
                    || lower.startsWith("ratelimit") || lower.equals(":status") || Proxy.mentioned(connectionTokens, lower)) {
                return;
            }
            String[] kept = values.stream().filter(v -> !Proxy.setsOurCookie(lower, v)).toArray(String[]::new);
            if (kept.length > 0) {
                res.headers().add(HeaderValues.create(HeaderNames.create(name), kept));
            }
        });
        res.header(Exchange.X_REQUEST_ID, ex.requestId());
        res.status(r.statusCode());
        ex.markStreamed(r.statusCode());
        try (InputStream in = r.body(); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        } catch (IOException | UncheckedIOException e) {
            // ends early
        }
    }
}
