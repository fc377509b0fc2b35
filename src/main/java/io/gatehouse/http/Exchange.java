package io.gatehouse.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.auth.Principal;
import io.gatehouse.core.FormData;
import io.gatehouse.core.Json;
import io.gatehouse.core.TrustedProxies;
import io.helidon.common.uri.UriEncoding;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request and its answer as the pipeline sees them. Wraps Helidon's request and response so
 * that stages and endpoints never touch the server library, and renders every API error in one place.
 */
public final class Exchange {
    public static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    /**
     * The headers of an answer after which the connection closes: part of the request's body is unread, and the rest
     * cannot be told from a next request ({@link #closesConnection}).
     */
    public static final Map<String, String> CLOSE_CONNECTION = Map.of("Connection", "close");
    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName CACHE_CONTROL = HeaderNames.CACHE_CONTROL;
    // Headers of every answer, made and checked once (OwnHeader): no per-response check or encoding.
    private static final OwnHeader NOSNIFF_HEADER = OwnHeader.of(NOSNIFF, "nosniff");
    private static final OwnHeader NO_STORE = OwnHeader.of(CACHE_CONTROL, "no-store");
    private static final String JSON = "application/json";
    private static final OwnHeader JSON_TYPE = OwnHeader.of(HeaderNames.CONTENT_TYPE, JSON);
    private static final byte[] NO_BODY = new byte[0];
    private static final HeaderName FORWARDED_FOR = HeaderNames.X_FORWARDED_FOR;
    private static final HeaderName FORWARDED = HeaderNames.FORWARDED;

    private final ServerRequest req;
    private final ServerResponse res;
    private final String requestId;
    private final long maxBodyBytes;
    private final String method;
    private final String path;
    private final TrustedProxies proxies;
    private String clientAddress;
    private final String pathError;

    private final ClientDeadlines deadlines;

    private Route route;
    private Map<String, String> params = Map.of();
    private Principal principal;
    private byte[] body;
    private int status;
    private boolean closes;
    private boolean streamed;

    public Exchange(ServerRequest req, ServerResponse res, long maxBodyBytes) {
        this(req, res, maxBodyBytes, TrustedProxies.NONE);
    }

    public Exchange(ServerRequest req, ServerResponse res, long maxBodyBytes, TrustedProxies proxies) {
        this(req, res, maxBodyBytes, proxies, null);
    }

    /** @param deadlines the body-stall deadline for reads of the request body (SPEC §11), or null for none */
    public Exchange(ServerRequest req, ServerResponse res, long maxBodyBytes, TrustedProxies proxies,
                    ClientDeadlines deadlines) {
        this.deadlines = deadlines;
        this.proxies = proxies;
        this.req = req;
        this.res = res;
        this.maxBodyBytes = maxBodyBytes;
        this.method = req.prologue().method().text();
        String raw = req.path().rawPath();
        String normalized;
        String error = null;
        try {
            normalized = RequestPath.normalize(raw);
        } catch (RequestPath.InvalidPathException e) {
            normalized = RequestPath.printable(raw);
            error = e.getMessage();
        }
        this.path = normalized;
        this.pathError = error;
        this.requestId = requestIdOf(req);
    }

    // ---- request ----

    public String method() {
        return method;
    }

    /**
     * The path, without the query, normalized once (SPEC §11 "One path", see {@link RequestPath}):
     * unreserved characters decoded, other escapes kept, dot segments removed. Routing, permissions,
     * limits and the proxy all use it.
     */
    public String path() {
        return path;
    }

    /** Refuses a path that could not be normalized (400 INVALID_PARAMETER); the pipeline calls it first. */
    public void requireValidPath() {
        if (pathError != null) {
            throw ApiException.invalid(pathError);
        }
    }

    public String requestId() {
        return requestId;
    }

    public String header(HeaderName name) {
        return req.headers().first(name).orElse(null);
    }

    public String header(String name) {
        return header(HeaderNames.create(name));
    }

    /**
     * The value of a query parameter, or null. Sent twice, it is 400 (SPEC §3, 20012): which value counts
     * would be a guess, so the route does nothing (the OAuth endpoints refuse the same, RFC 6749 §3.1). A NUL
     * character in it is 400 too (no store can keep it).
     */
    public String query(String name) {
        var q = req.query();
        if (!q.contains(name)) {
            return null;
        }
        if (occurrences(q.rawValue(), name) > 1) {
            throw ApiException.invalid("The query parameter " + name + " is repeated; send it once.");
        }
        String v = q.get(name);
        if (v.indexOf('\0') >= 0) {
            throw ApiException.invalid(name + " must not contain a NUL character");
        }
        return v;
    }

    /**
     * How often a raw query names {@code name}, with or without a value ({@code a=1&a} names it twice, as in
     * {@code FormData.firstRepeated} for OAuth forms), each name decoded as the query's values are.
     */
    private static int occurrences(String rawQuery, String name) {
        int n = 0;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String raw = eq < 0 ? pair : pair.substring(0, eq);
            if (!raw.isEmpty() && name.equals(UriEncoding.decodeQuery(raw))) {
                n++;
            }
        }
        return n;
    }

    public String cookie(String name) {
        var cookies = req.headers().cookies();
        return cookies.contains(name) ? cookies.get(name) : null;
    }

    /**
     * The client's address (SPEC §1): the TCP peer, or, when the peer is one of GATEHOUSE_TRUSTED_PROXIES,
     * the right-most address of its {@code X-Forwarded-For} (else {@code Forwarded}) that is not a trusted
     * proxy. Used by throttles, the access log and the audit log.
     */
    public String remoteAddress() {
        String a = clientAddress;
        if (a == null) {
            String peer = peerAddress();
            a = proxies.isEmpty() ? peer : proxies.clientAddress(peer, req.headers().values(FORWARDED_FOR),
                    req.headers().values(FORWARDED));
            clientAddress = a;
        }
        return a;
    }

    /** The TCP peer: the client, or the proxy in front of it. */
    public String peerAddress() {
        try {
            return req.remotePeer().host();
        } catch (RuntimeException e) {
            // A connection already closed (a slow client cut off, SPEC §11) has no peer address left.
            return "unknown";
        }
    }

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("route " + (route == null ? "?" : route.template()) + " has no {" + name + "}");
        }
        return v;
    }

    /** A path parameter that must be a 64-bit id; anything else is 404, as no such thing exists. */
    public long idParam(String name, ApiError notFound, String what) {
        String v = param(name);
        try {
            long id = Long.parseLong(v);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // falls through to 404
        }
        throw new ApiException(notFound, what + " " + v + " does not exist");
    }

    public long declaredContentLength() {
        return req.headers().contentLength().orElse(-1);
    }

    /** The request body, read once, at most the configured limit (else 413). */
    public byte[] body() {
        if (body != null) {
            return body;
        }
        long declared = declaredContentLength();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        if (!req.content().hasEntity()) {
            body = NO_BODY;
            return body;
        }
        byte[] read;
        try (InputStream in = clientBody()) {
            read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
        if (read.length > maxBodyBytes) {
            throw tooLarge();
        }
        body = read;
        return body;
    }

    /**
     * The request body as it arrives, for the few places that stream it (the proxy). A connection that
     * fails while it is read is a {@link ClientGoneException}, never an error of ours.
     */
    public InputStream clientBody() {
        return new ClientInput(req.content().inputStream(), deadlines, maxBodyBytes);
    }

    public ApiException tooLarge() {
        return new ApiException(ApiError.PAYLOAD_TOO_LARGE, "request body is larger than " + maxBodyBytes + " bytes",
                CLOSE_CONNECTION);
    }

    /** The body as a JSON object; a missing, malformed or non-object body is 400 INVALID_PARAMETER. */
    public JsonBody jsonObject() {
        byte[] bytes = body();
        if (bytes.length == 0) {
            throw ApiException.invalid("request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = Json.parseStrict(bytes);
        } catch (JacksonException e) {
            throw ApiException.invalid("request body is not valid JSON (one UTF-8 object, no duplicate keys, nothing after it)");
        }
        if (!(node instanceof ObjectNode obj)) {
            throw ApiException.invalid("request body must be a JSON object");
        }
        return new JsonBody(obj);
    }

    /** A form-encoded body (application/x-www-form-urlencoded) as its first values. */
    public Map<String, String> form() {
        return FormData.parse(new String(body(), StandardCharsets.UTF_8));
    }

    // ---- pipeline state ----

    public Route route() {
        return route;
    }

    public void route(Route route, Map<String, String> params) {
        this.route = route;
        this.params = params;
    }

    public Principal principal() {
        return principal;
    }

    public void principal(Principal principal) {
        this.principal = principal;
    }

    // ---- response ----

    public boolean answered() {
        return status != 0;
    }

    /**
     * Whether the connection must close after this answer: it says {@code Connection: close} because part of the
     * request's body was left unread (too large, or framed wrongly), and the rest cannot be told from a next request.
     */
    public boolean closesConnection() {
        return closes;
    }

    public int status() {
        return status;
    }

    public Exchange header(String name, String value) {
        res.header(name, value);
        return this;
    }

    /** Sets a response header by a constant name (no lookup: for the hot path). */
    public Exchange header(HeaderName name, String value) {
        res.header(name, value);
        return this;
    }

    /** Sets a response header Gatehouse made and checked itself (see {@link OwnHeader}). */
    public Exchange header(OwnHeader header) {
        res.header(header);
        return this;
    }

    public void json(int status, Object body) {
        json(status, Json.bytes(body));
    }

    /** Sends JSON already serialized. */
    public void json(int status, byte[] body) {
        res.header(NO_STORE);
        send(status, JSON, body);
    }

    public void noContent() {
        send(204, null, NO_BODY);
    }

    public void send(int status, String contentType, byte[] bytes) {
        this.status = status;
        res.status(Status.create(status));
        // The request id is a client's that passed isSafe, or our own hex: OwnHeader.safe accepts both.
        res.header(OwnHeader.safe(X_REQUEST_ID, requestId));
        res.header(NOSNIFF_HEADER);
        if (JSON.equals(contentType)) {
            res.header(JSON_TYPE);
        } else if (contentType != null) {
            res.header(HeaderNames.CONTENT_TYPE, contentType);
        }
        try {
            res.send(bytes);
        } catch (UncheckedIOException e) {
            throw new ClientGoneException(e);
        }
    }

    /** Renders an API error (SPEC §3): {@code {"code","error","message"}} with the error's headers. */
    public void fail(ApiException e) {
        if (res.isSent()) {
            return;
        }
        e.headers().forEach(res::header);
        closes |= "close".equals(e.headers().get("Connection"));
        ApiError err = e.error();
        json(err.status, new ErrorBody(err.code, err.name(), e.getMessage()));
    }

    /**
     * Renders an error of another shape (OAuth's RFC 6749 §5.2 body, say) with its headers, never cached.
     * Does nothing if the response already started.
     */
    public void fail(int status, Map<String, String> headers, Object body) {
        if (res.isSent()) {
            return;
        }
        headers.forEach(res::header);
        res.header("Pragma", "no-cache");
        json(status, body);
    }

    /** Direct access for the few places that stream (the proxy). */
    public ServerRequest rawRequest() {
        return req;
    }

    public ServerResponse rawResponse() {
        return res;
    }

    public void markStreamed(int status) {
        this.status = status;
        this.streamed = true;
    }

    /** Whether the answer went out through the response's stream (the proxy), which Helidon finishes after the handler. */
    public boolean streamed() {
        return streamed;
    }

    record ErrorBody(int code, String error, String message) {
    }

    private static String requestIdOf(ServerRequest req) {
        String sent = req.headers().first(X_REQUEST_ID).orElse(null);
        if (sent != null && sent.length() <= 128 && isSafe(sent)) {
            return sent;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    private static boolean isSafe(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }
}
