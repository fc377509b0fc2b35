package io.gatehouse.proxy;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a request to its route's upstream (SPEC §7). The client's {@code Authorization} and any
 * Gatehouse-* headers it sent are dropped; {@code Gatehouse-Account-Id}, {@code Gatehouse-Client-Id}
 * (token requests only) and {@code Gatehouse-Scope} are added, so the upstream can trust them.
 * Hop-by-hop headers are dropped both ways. Both bodies stream. An upstream that cannot be reached is
 * 502; one that does not answer within the route's timeout is 504.
 */
public final class Proxy {
    private static final Logger LOG = LoggerFactory.getLogger(Proxy.class);
    /** RFC 9110 §7.6.1 hop-by-hop headers, plus those the JDK client sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "host", "content-length", "expect",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public void forward(Exchange ex, ProxyRoute route) {
        ServerRequest req = ex.rawRequest();
        Principal p = ex.principal();
        String query = req.query().rawValue();
        URI target = URI.create(route.upstream() + ex.path() + (query == null || query.isEmpty() ? "" : "?" + query));
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(route.timeout());
        List<String> connectionTokens = req.headers().values(io.helidon.http.HeaderNames.CONNECTION);
        for (Header h : req.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || NOT_FORWARDED.contains(name) || name.startsWith("gatehouse-")
                    || mentioned(connectionTokens, name)) {
                continue;
            }
            if (name.equals("cookie")) {
                String kept = withoutOurCookies(h.get());
                if (!kept.isEmpty()) {
                    b.header("Cookie", kept);
                }
                continue;
            }
            for (String v : h.allValues()) {
                b.header(h.name(), v);
            }
        }
        b.header("Gatehouse-Account-Id", Long.toString(p.accountId()));
        if (p.clientId() != null) {
            b.header("Gatehouse-Client-Id", p.clientId());
        }
        b.header("Gatehouse-Scope", p.scopeText());
        b.header("X-Request-Id", ex.requestId());
        b.header("X-Forwarded-For", ex.remoteAddress());
        b.header("X-Forwarded-Proto", req.isSecure() ? "https" : "http");
        b.header("X-Forwarded-Host", req.authority());

        long length = ex.declaredContentLength();
        HttpRequest.BodyPublisher body;
        if (!req.content().hasEntity()) {
            body = HttpRequest.BodyPublishers.noBody();
        } else {
            HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> req.content().inputStream());
            body = length >= 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
        }
        b.method(ex.method(), body);

        HttpResponse<InputStream> upstream;
        try {
            upstream = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable(route, e);
        } catch (HttpTimeoutException e) {
            throw new ApiException(ApiError.GATEWAY_TIMEOUT, "The upstream service did not answer in time.");
        } catch (IOException e) {
            throw unreachable(route, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.SERVICE_UNAVAILABLE, "The request was interrupted.");
        }
        relay(ex, upstream);
    }

    private static ApiException unreachable(ProxyRoute route, Exception e) {
        LOG.warn("upstream {} for {} unreachable: {}", route.upstream(), route.path(), e.toString());
        return new ApiException(ApiError.BAD_GATEWAY, "The upstream service could not be reached.");
    }

    private static void relay(Exchange ex, HttpResponse<InputStream> upstream) {
        ServerResponse res = ex.rawResponse();
        List<String> connectionTokens = upstream.headers().allValues("connection");
        for (Map.Entry<String, List<String>> h : upstream.headers().map().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || name.equals("x-request-id") || name.equals(":status") || name.startsWith("x-ratelimit-")
                    || name.startsWith("ratelimit") || mentioned(connectionTokens, name)) {
                continue;
            }
            res.header(h.getKey(), h.getValue().toArray(String[]::new));
        }
        res.header(Exchange.X_REQUEST_ID, ex.requestId());
        res.status(upstream.statusCode());
        ex.markStreamed(upstream.statusCode());
        try (InputStream in = upstream.body(); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The status line is gone; all we can do is end the response early.
            LOG.debug("request {}: stream from upstream ended early: {}", ex.requestId(), e.toString());
        }
    }

    private static boolean mentioned(List<String> connectionTokens, String name) {
        for (String v : connectionTokens) {
            for (String t : v.split(",")) {
                if (t.strip().equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String withoutOurCookies(String cookie) {
        StringBuilder out = new StringBuilder();
        for (String c : cookie.split(";")) {
            String t = c.strip();
            if (!t.startsWith("gatehouse_") && !t.isEmpty()) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                out.append(t);
            }
        }
        return out.toString();
    }
}
