package io.gatehouse.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.uri.UriValidator;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.HttpToken;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The check of every request header that Helidon makes when {@code validateRequestHeaders} is on, made
 * here instead (the server turns Helidon's off): the same rules, at a lower cost (docs/decisions.md,
 * "Request headers: our own check, the same rules"). Every header, read by Gatehouse or not:
 * <ul>
 *   <li>its name is an RFC 9110 token (Helidon's {@link HttpToken#validate});</li>
 *   <li>no value holds a control character other than horizontal tab, nor DEL (so no NUL, CR or LF can
 *       reach a response, a log line or an upstream), and the first value does not start with a space or
 *       a tab: Helidon's {@code Header.validate} rules, checked eight bytes at a time;</li>
 *   <li>exactly one {@code Host}, not empty, a valid IP literal or registered name with an optional
 *       numeric port: Helidon's full Host check (its {@link UriValidator}), remembered for the last valid
 *       value, since a server sees the same few Host values on nearly every request;</li>
 *   <li>no {@code Content-Encoding} on a request with a body: Gatehouse decodes none, and Helidon's refusal
 *       of one goes with its switch.</li>
 * </ul>
 * A failure is Helidon's own 400 for a bad header ({@link DirectErrors} writes the SPEC §3 body, with a
 * fixed message) and the connection is closed.
 */
public final class RequestHeaderCheck implements Http1ConnectionListener {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long SPACES = 0x2020_2020_2020_2020L;
    private static final long DELS = 0x7F7F_7F7F_7F7F_7F7FL;

    /** The last Host value that passed; a pure function of the string, so an equal value passes again. */
    private volatile String lastHost;

    /**
     * One receive listener that gives {@code first} the request's prologue and headers, then checks the
     * headers. It must be one: Helidon 4.5.0 wraps two or more receive listeners in a list that passes them
     * neither the prologue nor the headers (only bytes), so a second listener would silently turn both off.
     */
    public static Http1ConnectionListener after(Http1ConnectionListener first) {
        RequestHeaderCheck check = new RequestHeaderCheck();
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                first.prologue(ctx, prologue);
            }

            @Override
            public void data(ConnectionContext ctx, BufferData data) {
                first.data(ctx, data);
            }

            @Override
            public void data(ConnectionContext ctx, byte[] bytes, int offset, int length) {
                first.data(ctx, bytes, offset, length);
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                first.headers(ctx, headers);
                check.headers(ctx, headers);
            }
        };
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        String wrong = problem(headers);
        if (wrong != null) {
            throw RequestException.builder()
                    .type(EventType.BAD_REQUEST)
                    .status(Status.BAD_REQUEST_400)
                    .setKeepAlive(false)
                    .message(wrong)
                    .build();
        }
    }

    /** What is wrong with the headers (never quoting a value: it may be a secret), or null if nothing. */
    String problem(Headers headers) {
        // Gatehouse decodes no request content coding (no decoder is on the class path), and Helidon refuses
        // a Content-Encoding on a request with a body only while its own check is on: refused here in its
        // place, as before (a request without a body, Content-Length 0 or none, passed and still does).
        if (headers.contains(HeaderNames.CONTENT_ENCODING) && (headers.contains(HeaderNames.TRANSFER_ENCODING)
                || headers.contains(HeaderNames.CONTENT_LENGTH) && !"0".equals(headers.get(HeaderNames.CONTENT_LENGTH).get()))) {
            return "Content-Encoding header present when content encoding is disabled";
        }
        for (Header h : headers) {
            try {
                HttpToken.validate(h.name());
            } catch (IllegalArgumentException e) {
                return "Invalid header name";
            }
            if (h.valueCount() == 1) {
                if (!validValue(h.get(), true)) {
                    return "Invalid header value";
                }
            } else {
                boolean first = true;
                for (String v : h.allValues()) {
                    if (!validValue(v, first)) {
                        return "Invalid header value";
                    }
                    first = false;
                }
            }
        }
        return hostProblem(headers);
    }

    /**
     * Helidon's rule for a header value: no byte below 0x20 but tab, no DEL; characters above 0x7F are
     * allowed (obs-text). The first character of a header's first value is neither a space nor a tab.
     */
    static boolean validValue(String value, boolean first) {
        if (value.isEmpty()) {
            return true;
        }
        if (first && (value.charAt(0) == ' ' || value.charAt(0) == '\t')) {
            return false;
        }
        // Every character up to U+00FF keeps its byte; a wider one (allowed anyway) becomes '?', also allowed.
        // A surrogate pair becomes one '?': the bytes, not the characters, bound the scan.
        byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
        int n = b.length;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long w = (long) LONGS.get(b, i);
            // A byte below 0x20 (bytes of 0x80 and above never count), or a byte equal to 0x7F; exact for "any".
            long below = (w - SPACES) & ~w & HIGHS;
            long x = w ^ DELS;
            long del = (x - ONES) & ~x & HIGHS;
            if ((below | del) != 0 && !validBytes(b, i, i + 8)) {
                return false;
            }
        }
        return validBytes(b, i, n);
    }

    private static boolean validBytes(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** Helidon's full Host check ({@code Http1Connection.doValidateHostHeader}), the last valid value remembered. */
    String hostProblem(Headers headers) {
        List<String> hosts = headers.all(HeaderNames.HOST, List::of);
        if (hosts.isEmpty()) {
            return "Host header must be present in the request";
        }
        if (hosts.size() > 1) {
            return "Only a single Host header is allowed in request";
        }
        String host = hosts.getFirst();
        if (host.isEmpty()) {
            return "Host header must not be empty";
        }
        if (host.equals(lastHost)) {
            return null;
        }
        try {
            validateHost(host);
        } catch (IllegalArgumentException e) {
            return "Invalid Host header";
        }
        lastHost = host;
        return null;
    }

    private static void validateHost(String host) {
        int open = host.indexOf('[');
        int close = host.lastIndexOf(']');
        if (open == 0 && close == host.length() - 1) {
            UriValidator.validateIpLiteral(host);
            return;
        }
        if (open == 0 && close == -1) {
            UriValidator.validateIpLiteral(host); // refuses it: an IP literal that is never closed
            return;
        }
        int colon = host.lastIndexOf(':');
        if (colon == -1) {
            UriValidator.validateNonIpLiteral(host);
            return;
        }
        String port = host.substring(colon + 1);
        try {
            Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid port of the host header", e);
        }
        String name = host.substring(0, colon);
        if (open == 0 && close == name.length() - 1) {
            UriValidator.validateIpLiteral(name);
        } else {
            UriValidator.validateNonIpLiteral(name);
        }
    }
}
