package io.gatehouse.proxy;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.ClientGoneException;
import io.gatehouse.http.Exchange;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.WebClientServiceRequest;
import io.helidon.webclient.api.WebClientServiceResponse;
import io.helidon.webclient.spi.WebClientService;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
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
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");
    /** Set by Gatehouse itself, or describing the client (replaced by Gatehouse's own). */
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "host", "content-length", "expect",
            "forwarded", "x-real-ip", "x-request-id",
            // read as the request's URL or host (Symfony, IIS URL Rewrite, Envoy, some frameworks): a client could name a
            // path its route does not guard
            "x-original-url", "x-rewrite-url", "x-original-uri", "x-envoy-original-path", "x-original-host", "x-host",
            "x-http-host-override",
            // read as the client's address behind a CDN or proxy: a client could pose as another address
            "true-client-ip", "cf-connecting-ip", "cf-connecting-ipv6", "fastly-client-ip", "akamai-client-ip",
            "x-azure-clientip", "x-client-ip", "client-ip", "x-cluster-client-ip", "x-originating-ip", "x-remote-ip",
            "x-remote-addr", "x-envoy-external-address", "x-original-forwarded-for", "x-forwarded", "forwarded-for");
    /** Read as the request's method by many frameworks (Express's method-override, Laravel, ASP.NET, Google's APIs). */
    private static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-http-method", "x-method-override",
            "x-original-method");
    private static final String NO_USER_AGENT = "gatehouse.no-user-agent";

    /**
     * Made on first use or by {@link #warmUp()} (it costs ~0.1 s of start-up): a node without proxied routes
     * never pays for it, and one with them makes it after its listeners opened.
     */
    private volatile Http1Client client;

    /** Which HTTP client forwards (the system property {@code gatehouse.proxy.client}: raw, helidon, jdk); for the comparison in bench/README.md. */
    enum Kind { RAW, HELIDON, JDK }

    static final Kind KIND = Kind.valueOf(System.getProperty("gatehouse.proxy.client", "raw").toUpperCase(Locale.ROOT));
    private final RawUpstream raw = new RawUpstream();

    private Http1Client client() {
        Http1Client c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = Http1Client.builder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(false)
                            .keepAlive(true)
                            .proxy(io.helidon.webclient.api.Proxy.noProxy())
                            .addService(Proxy::withoutAddedHeaders)
                            .build();
                    client = c;
                }
            }
        }
        return c;
    }

    /** Makes the client now, so the first proxied request does not wait for it. */
    public void warmUp() {
        client();
    }

    /**
     * The HTTP client adds a {@code User-Agent} of its own when the request has none; the upstream must see
     * only what the client sent (SPEC §11), so it is removed again on its way out. What it still adds is the
     * message framing and connection management of its own hop ({@code Content-Length},
     * {@code Connection: keep-alive}), which HTTP/1.1 leaves to each sender (README, proxied routes).
     */
    private static WebClientServiceResponse withoutAddedHeaders(WebClientService.Chain chain, WebClientServiceRequest request) {
        if (request.properties().containsKey(NO_USER_AGENT)) {
            request.headers().remove(HeaderNames.USER_AGENT);
        }
        return chain.proceed(request);
    }

    /** A header name as it will be understood by servers that treat '_' like '-' (nginx, CGI, many frameworks). */
    static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** RFC 7239 §6: an IPv6 address is quoted and bracketed. */
    private static String forwardedNode(String address) {
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    public void forward(Exchange ex, ProxyRoute route) {
        ServerRequest req = ex.rawRequest();
        Principal p = ex.principal();
        boolean hasBody = req.content().hasEntity();
        if (hasBody && "HEAD".equals(ex.method())) {
            // RFC 9110 §9.3.2: content in a HEAD request has no defined semantics; forwarding it could
            // desynchronise the upstream connection.
            throw ApiException.invalid("a HEAD request cannot have a body");
        }
        List<String> headers = new ArrayList<>(40);
        List<String> connectionTokens = req.headers().values(HeaderNames.CONNECTION);
        for (Header h : req.headers()) {
            String name = canonical(h.headerName().lowerCase()); // Helidon's lower case: toLowerCase finds nothing to do
            if (HOP_BY_HOP.contains(name) || NOT_FORWARDED.contains(name) || name.contains("gatehouse-")
                    || name.startsWith("x-forwarded-") || mentioned(connectionTokens, name)) {
                continue;
            }
            if (METHOD_OVERRIDES.contains(name)) {
                // The method the upstream may act on must be one the route allows, as the request's own method is.
                for (String v : h.allValues()) {
                    String m = v.strip().toUpperCase(Locale.ROOT);
                    if (!route.allows(m)) {
                        throw new ApiException(ApiError.METHOD_NOT_ALLOWED, h.name() + " names a method that is not allowed here; use "
                                + route.allowed(), Map.of("Allow", route.allowed()));
                    }
                }
            }
            if (name.equals("cookie")) {
                String kept = withoutOurCookies(h.get());
                if (!kept.isEmpty()) {
                    headers.add(h.name());
                    headers.add(kept);
                }
                continue;
            }
            for (String v : h.allValues()) {
                headers.add(h.name());
                headers.add(v);
            }
        }
        headers.add("Gatehouse-Account-Id");
        headers.add(Long.toString(p.accountId()));
        if (p.clientId() != null) {
            headers.add("Gatehouse-Client-Id");
            headers.add(p.clientId());
        }
        headers.add("Gatehouse-Scope");
        headers.add(p.scopeText());
        headers.add("X-Request-Id");
        headers.add(ex.requestId());
        // Gatehouse's own view of the client (SPEC §11 "Upstream headers"); whatever the client sent is dropped above.
        String client = ex.remoteAddress();
        String proto = req.isSecure() ? "https" : "http";
        String host = req.authority();
        headers.add("Forwarded");
        headers.add("for=" + forwardedNode(client) + ";proto=" + proto + ";host=\"" + host.replace("\\", "").replace("\"", "") + "\"");
        headers.add("X-Forwarded-For");
        headers.add(client);
        headers.add("X-Forwarded-Proto");
        headers.add(proto);
        headers.add("X-Forwarded-Host");
        headers.add(host);
        headers.add("X-Real-IP");
        headers.add(client);
        for (int i = 1; i < headers.size(); i += 2) {
            if (!RawUpstream.validValue(headers.get(i), 0)) {
                // Helidon validates request headers as they arrive; this only guards what we write ourselves.
                throw ApiException.invalid("a header value holds control characters");
            }
        }
        switch (KIND) {
            case RAW -> raw.forward(ex, route, new RawUpstream.Outgoing(ex.method(), requestTarget(ex, route), headers,
                    hasBody, hasBody ? ex.declaredContentLength() : 0));
            case JDK -> JdkUpstream.forward(ex, route, requestTarget(ex, route), headers, hasBody);
            default -> helidon(ex, route, headers, hasBody);
        }
    }

    private void helidon(Exchange ex, ProxyRoute route, List<String> headers, boolean hasBody) {
        Http1ClientRequest out = client().method(Method.create(ex.method())).uri(target(ex, route)).skipUriEncoding(true)
                .readTimeout(route.timeout()).followRedirects(false);
        boolean userAgent = false;
        for (int i = 0; i < headers.size(); i += 2) {
            userAgent |= headers.get(i).equalsIgnoreCase("user-agent");
        }
        out.headers(hs -> {
            for (int i = 0; i < headers.size(); i += 2) {
                hs.add(HeaderValues.create(headers.get(i), headers.get(i + 1)));
            }
        });
        if (!userAgent) {
            out.property(NO_USER_AGENT, "true");
        }

        Http1ClientResponse upstream;
        try {
            if (hasBody) {
                long length = ex.declaredContentLength();
                if (length >= 0) {
                    out.header(HeaderValues.create(HeaderNames.CONTENT_LENGTH, Long.toString(length)));
                }
                upstream = out.outputStream(streamBody(ex));
            } else {
                upstream = out.request();
            }
        } catch (RuntimeException e) {
            ClientGoneException gone = ClientGoneException.in(e);
            if (gone != null) {
                throw gone;
            }
            if (!causedByIo(e)) {
                throw e;
            }
            throw failure(route, e);
        }
        try (upstream) {
            relay(ex, upstream);
        }
    }

    /**
     * The upstream URL: the route's upstream, then the request's one normalized path (SPEC §11 "One path")
     * and its query, sent exactly as they are. Helidon's client would decode a {@link URI}'s path and query
     * before writing them, so the request target is handed over as an already-decoded path that the client
     * writes unchanged.
     */
    static ClientUri target(Exchange ex, ProxyRoute route) {
        URI up = route.upstream();
        UriInfo info = UriInfo.builder()
                .scheme(up.getScheme())
                .host(up.getHost())
                .port(up.getPort() > 0 ? up.getPort() : "https".equals(up.getScheme()) ? 443 : 80)
                .path(UriPath.createFromDecoded(requestTarget(ex, route)))
                .build();
        return ClientUri.create(info);
    }

    /** The request target written on the upstream request line: the route's base path, the one path, the query. */
    static String requestTarget(Exchange ex, ProxyRoute route) {
        String path = ex.path();
        if (!route.matchesPath(path)) {
            // Cannot happen: the route was chosen by this very path. Refuse rather than forward elsewhere.
            throw ApiException.invalid("the request path is not under the route " + route.path());
        }
        String query = ex.rawRequest().query().rawValue();
        if (query != null && !query.isEmpty() && !isValidQuery(query)) {
            throw ApiException.invalid("the query string holds characters that are not allowed in a URL");
        }
        URI up = route.upstream();
        String basePath = up.getRawPath() == null ? "" : up.getRawPath();
        String target = basePath + path + (query == null || query.isEmpty() ? "" : "?" + query);
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw ApiException.invalid("the request path holds characters that cannot be sent in a URL");
            }
        }
        return target;
    }

    /** RFC 3986 §3.4: a query holds pchar, '/' and '?', with well-formed escapes. */
    private static boolean isValidQuery(String q) {
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (c == '%') {
                if (i + 2 >= q.length() || Character.digit(q.charAt(i + 1), 16) < 0 || Character.digit(q.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static ClientRequest.OutputStreamHandler streamBody(Exchange ex) {
        return os -> {
            byte[] buf = new byte[16384];
            try (InputStream in = ex.clientBody()) {
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        throw new ClientGoneException(e);
                    }
                    if (n < 0) {
                        break;
                    }
                    os.write(buf, 0, n);
                }
            }
            os.close();
        };
    }

    /** A read timeout is 504; anything else that kept us from an answer (refused, unknown host, reset) is 502. */
    private static ApiException failure(ProxyRoute route, RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException && !String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
                return new ApiException(ApiError.GATEWAY_TIMEOUT, "The upstream service did not answer in time.",
                        Map.of(), e);
            }
            if (c instanceof ConnectException || c instanceof UnknownHostException) {
                break;
            }
        }
        return new ApiException(ApiError.BAD_GATEWAY, "The upstream service could not be reached.", Map.of(),
                new IOException("upstream " + route.upstream() + " for " + route.path() + " unreachable", e));
    }

    private static void relay(Exchange ex, Http1ClientResponse upstream) {
        ServerResponse res = ex.rawResponse();
        List<String> connectionTokens = upstream.headers().values(HeaderNames.CONNECTION);
        for (Header h : upstream.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || name.equals("x-request-id") || name.startsWith("x-ratelimit-")
                    || name.startsWith("ratelimit") || mentioned(connectionTokens, name)) {
                continue;
            }
            if (name.equals("set-cookie")) {
                List<String> kept = h.allValues().stream().filter(v -> !setsOurCookie(name, v)).toList();
                if (!kept.isEmpty()) {
                    res.header(HeaderValues.create(h.headerName(), kept));
                }
                continue;
            }
            res.header(h);
        }
        res.header(Exchange.X_REQUEST_ID, ex.requestId());
        int status = upstream.status().code();
        res.status(status);
        ex.markStreamed(status);
        try (InputStream in = upstream.inputStream(); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        } catch (IOException | UncheckedIOException e) {
            // The status line is gone; all we can do is end the response early.
            LOG.debug("request {}: stream from upstream ended early: {}", ex.requestId(), e.toString());
        }
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            // Helidon's reader says an upstream that closed before its status line ended with this, not an IOException.
            if (c instanceof IOException || c instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }

    static boolean mentioned(List<String> connectionTokens, String name) {
        for (String v : connectionTokens) {
            for (String t : v.split(",")) {
                if (t.strip().equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * An upstream's {@code Set-Cookie} that could set one of Gatehouse's own cookies (the portal session, its CSRF token): never
     * passed on, so an upstream cannot plant a portal session in the client's browser.
     */
    static boolean setsOurCookie(String lowerName, String value) {
        // anywhere in the value: "=gatehouse_session=x" (a nameless cookie, sent as its value) and "a=b, gatehouse_…"
        // (Gatehouse reads a comma as a separator too) would plant one as well
        return lowerName.equals("set-cookie") && value.contains("gatehouse_");
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
