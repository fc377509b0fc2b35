package io.gatehouse.proxy;

import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.ClientGoneException;
import io.gatehouse.http.Exchange;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal HTTP/1.1 client for the proxy: one blocking socket per exchange, used from the request's own
 * virtual thread, kept alive in a small pool per upstream. It writes the request head in one write, parses
 * the status line and headers straight from its read buffer (validating every relayed name and value:
 * no response splitting through an upstream), and relays the body (Content-Length, chunked, or up to the
 * close) to the client through that one buffer. Measured against Helidon WebClient and the JDK HttpClient
 * in bench/README.md ("Issue 15: proxy clients compared").
 *
 * <p>A connection taken from the pool may have been closed by the upstream meanwhile. The request is sent
 * again on a new connection only when that is safe: the failure came before any byte of an answer, and
 * either writing the request head failed (the upstream never read it) or the request is idempotent and has
 * no body (RFC 9110 §9.2.2).
 */
final class RawUpstream {
    private static final Logger LOG = LoggerFactory.getLogger(RawUpstream.class);
    static final int BUFFER = 16 * 1024;
    /** Status line and headers of an answer, together. */
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_HEADERS = 256;
    /** An idle connection older than this is closed, not reused (Node.js closes idle ones after 5 s). */
    static final long MAX_IDLE_NANOS = 4_000_000_000L;
    static final int MAX_IDLE_PER_UPSTREAM = 256;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    /**
     * Yield once after writing the request (on by default; {@code -Dgatehouse.proxy.yield=false} turns it off):
     * the other requests ready to run go first, and by the time this one reads, the upstream has usually
     * answered, so the read neither fails with EAGAIN nor parks on the poller (bench/README.md: ~20% less CPU
     * per proxied request). With nothing else to run, the yield returns at once.
     */
    private static final boolean YIELD = !"false".equals(System.getProperty("gatehouse.proxy.yield"));
    /** Per upstream URI (a route's, so a handful): its pool and the request head's fixed part. */
    private final Map<URI, Upstream> upstreams = new ConcurrentHashMap<>();
    /**
     * Java sockets have no write timeout: an upstream that stops reading a request body would hold the request
     * forever. While a body is sent, one daemon thread closes the socket of a write that has not finished
     * within the route's timeout (the request then answers 504).
     */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gatehouse-upstream-write-watchdog");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true); // a cancelled check does not hold its connection until it was due
        return e;
    }

    /** Thrown when the upstream's answer breaks HTTP/1.1 or our limits: 502 for the client. */
    static final class BadAnswer extends IOException {
        BadAnswer(String message) {
            super(message);
        }
    }

    private static final class Pool {
        final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger size = new AtomicInteger();
    }

    static final class Conn {
        final Socket socket;
        /** The plain TCP channel under {@link #socket} (under its TLS layer for https), for the idle check. */
        final SocketChannel channel;
        final InputStream in;
        final OutputStream out;
        byte[] buf = new byte[BUFFER];
        int pos;
        int lim;
        long idleSince;
        boolean reused;
        /** Bytes read from the upstream for the current request. */
        long received;
        /** System.nanoTime() when the write under way began; 0 when none is. */
        volatile long writingSince;
        /** Set by the watchdog when it closed the socket of a write that took longer than the timeout. */
        volatile boolean writeTimedOut;
        volatile boolean bodySent;
        volatile ScheduledFuture<?> watch;

        void write(byte[] b, int off, int len) throws IOException {
            writingSince = System.nanoTime() | 1;
            try {
                out.write(b, off, len);
            } finally {
                writingSince = 0;
            }
        }

        void write(byte[] b) throws IOException {
            write(b, 0, b.length);
        }

        /** Closes the socket if a write has been under way for timeoutNanos; else looks again when one could. */
        void watch(long timeoutNanos) {
            if (bodySent) {
                return;
            }
            long since = writingSince;
            long now = System.nanoTime();
            if (since != 0 && now - since >= timeoutNanos) {
                writeTimedOut = true;
                try {
                    channel.close(); // the TCP channel, also under TLS: closing the TLS layer would write to it
                } catch (IOException ignored) {
                    // closed anyway
                }
                return;
            }
            long next = since == 0 ? timeoutNanos : timeoutNanos - (now - since);
            watch = WATCHDOG.schedule(() -> watch(timeoutNanos), next, TimeUnit.NANOSECONDS);
        }

        Conn(Socket socket, SocketChannel channel) throws IOException {
            this.socket = socket;
            this.channel = channel;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads more after what is buffered; false at the end of the stream. */
        boolean fill() throws IOException {
            if (pos > 0 && pos == lim) {
                pos = 0;
                lim = 0;
            }
            if (lim == buf.length) {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, lim - pos);
                    lim -= pos;
                    pos = 0;
                } else {
                    if (buf.length >= MAX_HEAD) {
                        throw new BadAnswer("the upstream's answer head is larger than " + MAX_HEAD + " bytes");
                    }
                    buf = java.util.Arrays.copyOf(buf, Math.min(MAX_HEAD, buf.length * 2));
                }
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                return false;
            }
            lim += n;
            received += n;
            return true;
        }

        /**
         * {@link #fill()} for the answer's head, within what is left until {@code deadline} (System.nanoTime()):
         * a read timeout alone restarts with every byte, so an upstream that drips its head would hold the
         * request (and the client) for as long as it likes.
         */
        boolean fillBefore(long deadline, int timeoutMs) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("the upstream's answer head did not arrive in time");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(timeoutMs, TimeUnit.NANOSECONDS.toMillis(left))));
            return fill();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    /** What to send: the request line's method and target, and the header lines (name, value, name, value…). */
    record Outgoing(String method, String target, List<String> headers, boolean hasBody, long contentLength) {
    }

    void forward(Exchange ex, ProxyRoute route, Outgoing req) {
        URI up = route.upstream();
        Upstream u = upstreams.computeIfAbsent(up, Upstream::of);
        Pool pool = u.pool;
        boolean https = u.https;
        int port = u.port;
        String host = u.host;
        Head head = head(req, u.hostLine);
        int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, route.timeout().toMillis()));
        boolean idempotent = switch (req.method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };

        Conn conn = null;
        Answer answer = null;
        for (int attempt = 0; answer == null; attempt++) {
            conn = attempt == 0 ? take(pool) : null;
            boolean headSent = false;
            try {
                if (conn == null) {
                    conn = connect(host, port, https, timeout);
                }
                conn.socket.setSoTimeout(timeout);
                conn.out.write(head.bytes, 0, head.length);
                headSent = true;
                if (req.hasBody) {
                    Conn c = conn;
                    long nanos = TimeUnit.MILLISECONDS.toNanos(timeout);
                    c.bodySent = false;
                    c.watch = WATCHDOG.schedule(() -> c.watch(nanos), nanos, TimeUnit.NANOSECONDS);
                    try {
                        sendBody(ex, conn, req.contentLength);
                    } finally {
                        c.bodySent = true;
                        c.watch.cancel(false);
                    }
                }
                if (YIELD) {
                    Thread.yield();
                }
                // the route's timeout bounds the whole wait for the answer's head, from the request's end
                answer = readHead(conn, "HEAD".equals(req.method), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout), timeout);
                if (req.hasBody && answer.status() >= 400) {
                    // An upstream that refuses a request often answers before it reads the body, and then may read
                    // the body as a request of its own: its answer would come later, as the next request's.
                    answer = answer.notReusable();
                }
                conn.socket.setSoTimeout(timeout); // the body: a timeout per read (a stream may be slow but alive)
            } catch (ClientGoneException e) {
                close(conn);
                throw e;
            } catch (RuntimeException e) {
                // e.g. Helidon's RequestException for a malformed chunk or a body over the limit: the
                // upstream has part of a request, so the connection can never be used again
                close(conn);
                throw e;
            } catch (SocketTimeoutException e) {
                close(conn);
                throw new ApiException(ApiError.GATEWAY_TIMEOUT, "The upstream service did not answer in time.", Map.of(),
                        new IOException("upstream " + up + " for " + route.path() + " timed out", e));
            } catch (IOException e) {
                if (conn != null && conn.writeTimedOut) {
                    close(conn);
                    throw new ApiException(ApiError.GATEWAY_TIMEOUT, "The upstream service did not answer in time.", Map.of(),
                            new IOException("upstream " + up + " for " + route.path() + " did not read the request in time", e));
                }
                boolean retry = conn != null && conn.reused && attempt == 0 && conn.received == 0
                        && !(e instanceof BadAnswer)
                        && (!headSent || (idempotent && !req.hasBody));
                close(conn);
                if (!retry) {
                    throw new ApiException(ApiError.BAD_GATEWAY, "The upstream service could not be reached.", Map.of(),
                            new IOException("upstream " + up + " for " + route.path() + ": " + e.getMessage(), e));
                }
                LOG.debug("request {}: kept-alive upstream connection was closed ({}); sending again", ex.requestId(), e.toString());
            }
        }
        relay(ex, conn, answer, pool);
    }

    /** What is the same for every request to one upstream: where it is, its pool, and its {@code Host} line. */
    private record Upstream(String host, int port, boolean https, Pool pool, byte[] hostLine) {
        static Upstream of(URI up) {
            boolean https = "https".equals(up.getScheme());
            int port = up.getPort() > 0 ? up.getPort() : https ? 443 : 80;
            String host = up.getHost();
            String line = " HTTP/1.1\r\nHost: " + host + (port != (https ? 443 : 80) ? ":" + port : "") + "\r\n";
            return new Upstream(host, port, https, new Pool(), line.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** A request head, written byte by byte into one array and sent with one write. */
    static final class Head {
        byte[] bytes = new byte[1024];
        int length;

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        Head add(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
            return this;
        }

        /** ISO-8859-1, as {@code String.getBytes} would (a char it cannot hold becomes '?'): header values arrive from Helidon decoded that way. */
        Head add(String s) {
            int n = s.length();
            room(n);
            byte[] b = bytes;
            int at = length;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                b[at++] = c <= 0xff ? (byte) c : (byte) '?';
            }
            length = at;
            return this;
        }
    }

    private static final byte[] COLON_SP = {':', ' '};
    private static final byte[] CONTENT_LENGTH_0 = "Content-Length: 0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_END = "Connection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The request line and headers; {@code hostLine} is the request line's end and the Host header. */
    static Head head(Outgoing req, byte[] hostLine) {
        Head h = new Head();
        h.add(req.method).add(SP_).add(req.target).add(hostLine);
        List<String> hs = req.headers;
        for (int i = 0; i < hs.size(); i += 2) {
            h.add(hs.get(i)).add(COLON_SP).add(hs.get(i + 1)).add(CRLF);
        }
        if (!req.hasBody) {
            h.add(CONTENT_LENGTH_0);
        } else if (req.contentLength >= 0) {
            h.add(CONTENT_LENGTH).add(Long.toString(req.contentLength)).add(CRLF);
        } else {
            h.add(CHUNKED);
        }
        return h.add(KEEP_ALIVE_END);
    }

    private static final byte[] SP_ = {' '};

    private static void sendBody(Exchange ex, Conn conn, long length) throws IOException {
        byte[] buf = conn.buf;
        boolean chunked = length < 0;
        try (InputStream in = ex.clientBody()) {
            while (true) {
                int n;
                try {
                    n = in.read(buf, 0, chunked ? buf.length - 16 : buf.length);
                } catch (IOException | UncheckedIOException e) {
                    throw new ClientGoneException(e);
                }
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                if (chunked) {
                    conn.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    conn.write(buf, 0, n);
                    conn.write(CRLF);
                } else {
                    conn.write(buf, 0, n);
                }
            }
        }
        if (chunked) {
            conn.write(LAST_CHUNK);
        }
    }

    private Conn take(Pool pool) {
        long now = System.nanoTime();
        reap(pool, now);
        Conn c;
        while ((c = pool.idle.pollFirst()) != null) {
            pool.size.decrementAndGet();
            if (now - c.idleSince < MAX_IDLE_NANOS && !c.socket.isClosed() && quiet(c)) {
                c.reused = true;
                return c;
            }
            c.close();
        }
        return null;
    }

    /**
     * The pool is taken from the top (LIFO: the warmest connection), so one at the bottom may never be taken
     * again after a burst and sit there in CLOSE_WAIT once the upstream closed it. A few expired ones are
     * closed from the bottom on every take: cheap (the bottom is usually not expired), and bounded.
     */
    private static void reap(Pool pool, long now) {
        for (int i = 0; i < 4; i++) {
            Conn t = pool.idle.peekLast();
            if (t == null || now - t.idleSince < MAX_IDLE_NANOS) {
                return;
            }
            if (pool.idle.removeLastOccurrence(t)) {
                pool.size.decrementAndGet();
                t.close();
            }
        }
    }

    /**
     * Whether an idle connection is still open and has sent nothing since its last answer, checked without
     * blocking. Bytes that arrive while idle belong to no request (a body after a HEAD/204/304 answer, more
     * than the Content-Length): reading them as the next answer would hand one user another's answer. An end
     * of stream means the upstream closed it; a new connection is safer than a retry that may not be allowed.
     * Over TLS only the bytes already decrypted can be seen: reading raw bytes would break the record layer.
     */
    private static boolean quiet(Conn c) {
        try {
            if (c.socket instanceof SSLSocket) {
                return c.in.available() == 0;
            }
            ByteBuffer one = ByteBuffer.wrap(c.buf, 0, 1);
            int n;
            synchronized (c.channel.blockingLock()) {
                c.channel.configureBlocking(false);
                try {
                    n = c.channel.read(one);
                } finally {
                    c.channel.configureBlocking(true);
                }
            }
            return n == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void giveBack(Pool pool, Conn c) {
        if (pool.size.incrementAndGet() > MAX_IDLE_PER_UPSTREAM) {
            pool.size.decrementAndGet();
            c.close();
            return;
        }
        c.pos = 0;
        c.lim = 0;
        c.received = 0;
        c.idleSince = System.nanoTime();
        pool.idle.offerFirst(c);
    }

    private static void close(Conn c) {
        if (c != null) {
            c.close();
        }
    }

    private static Conn connect(String host, int port, boolean https, int timeoutMs) throws IOException {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        SocketChannel ch = SocketChannel.open();
        Socket s = ch.socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(h, port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(timeoutMs); // before the handshake: an upstream that stalls in it is 504, not a hang
            if (https) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, h, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                return new Conn(ssl, ch);
            }
            return new Conn(s, ch);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The parsed head of an answer: status, relayed headers (name, value, …) and how its body is framed. */
    record Answer(int status, List<String> headers, long contentLength, boolean chunked, boolean untilClose,
                  boolean noBody, boolean reusable) {
        Answer notReusable() {
            return new Answer(status, headers, contentLength, chunked, untilClose, noBody, false);
        }
    }

    /** Informational (1xx) answers skipped before the real one; more is 502 (else data that keeps coming holds the thread). */
    static final int MAX_INFORMATIONAL = 8;

    /** Reads answers until one that is not 1xx-informational; all of them must have arrived by {@code deadline}. */
    static Answer readHead(Conn c, boolean head, long deadline, int timeoutMs) throws IOException {
        for (int i = 0; i <= MAX_INFORMATIONAL; i++) {
            Answer a = readOneHead(c, head, deadline, timeoutMs);
            if (a != null) {
                return a;
            }
        }
        throw new BadAnswer("more than " + MAX_INFORMATIONAL + " informational answers from the upstream");
    }

    private static Answer readOneHead(Conn c, boolean headRequest, long deadline, int timeoutMs) throws IOException {
        int lineStart = c.pos;
        int status = -1;
        boolean http10 = false;
        List<String> headers = new ArrayList<>(16);
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        boolean keepAlive10 = false;
        boolean teSeen = false;
        int scan = c.pos;
        int headBytes = 0;
        while (true) {
            // find the end of the line
            int eol = -1;
            for (int i = scan; i < c.lim; i++) {
                if (c.buf[i] == '\n') {
                    eol = i;
                    break;
                }
            }
            if (eol < 0) {
                int offset = scan - lineStart;
                // keep what we have of this line at the front while reading more
                c.pos = lineStart;
                if (!c.fillBefore(deadline, timeoutMs)) {
                    if (c.received == 0) {
                        throw new EOFException("the upstream closed the connection before answering");
                    }
                    throw new BadAnswer("the upstream closed the connection in the middle of its answer's head");
                }
                lineStart = c.pos;
                scan = lineStart + offset;
                continue;
            }
            headBytes += eol + 1 - lineStart;
            if (headBytes > MAX_HEAD) {
                throw new BadAnswer("the upstream's answer head is larger than " + MAX_HEAD + " bytes");
            }
            int end = eol > lineStart && c.buf[eol - 1] == '\r' ? eol - 1 : eol;
            byte[] b = c.buf;
            int ls = lineStart;
            lineStart = eol + 1;
            scan = lineStart;
            if (status < 0) {
                int len = end - ls;
                if (len < 12 || !startsWith(b, ls, HTTP_1_) || b[ls + 8] != ' ' || (len > 12 && b[ls + 12] != ' ')) {
                    throw new BadAnswer("malformed status line from the upstream");
                }
                byte minor = b[ls + 7];
                if (minor != '0' && minor != '1') {
                    throw new BadAnswer("unsupported HTTP version from the upstream");
                }
                http10 = minor == '0';
                status = 0;
                for (int i = ls + 9; i < ls + 12; i++) {
                    byte d = b[i];
                    if (d < '0' || d > '9') {
                        throw new BadAnswer("malformed status code from the upstream");
                    }
                    status = status * 10 + (d - '0');
                }
                if (status < 100 || status > 599) {
                    throw new BadAnswer("status code out of range from the upstream");
                }
                if (!validValue(b, ls + 12, end)) {
                    throw new BadAnswer("control characters in the upstream's reason phrase");
                }
                continue;
            }
            if (end == ls) {
                break;
            }
            if (headers.size() >= MAX_HEADERS * 2) {
                throw new BadAnswer("more than " + MAX_HEADERS + " headers from the upstream");
            }
            int colon = -1;
            for (int i = ls; i < end; i++) {
                if (b[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon <= ls || !isToken(b, ls, colon)) {
                // also an obs-folded line (starts with SP/HT): refused, as RFC 9112 §5.2 allows a proxy
                throw new BadAnswer("malformed header line from the upstream");
            }
            int vs = colon + 1;
            int ve = end;
            while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
                ve--;
            }
            if (!validValue(b, colon + 1, end)) {
                throw new BadAnswer("control characters in a header value from the upstream");
            }
            // Strings only for what is relayed: the name and the trimmed value, ISO-8859-1 byte for byte.
            String name = new String(b, ls, colon - ls, StandardCharsets.ISO_8859_1);
            String value = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
            switch (name.length()) {
                case 10 -> {
                    if (name.equalsIgnoreCase("connection")) {
                        for (String t : value.split(",")) {
                            String tok = t.strip();
                            close |= tok.equalsIgnoreCase("close");
                            keepAlive10 |= tok.equalsIgnoreCase("keep-alive");
                        }
                    }
                }
                case 14 -> {
                    if (name.equalsIgnoreCase("content-length")) {
                        long n = parseLength(value);
                        if (contentLength >= 0 && contentLength != n) {
                            throw new BadAnswer("conflicting Content-Length headers from the upstream");
                        }
                        contentLength = n;
                    }
                }
                case 17 -> {
                    if (name.equalsIgnoreCase("transfer-encoding")) {
                        teSeen = true;
                        String last = value;
                        int comma = value.lastIndexOf(',');
                        if (comma >= 0) {
                            last = value.substring(comma + 1);
                        }
                        if (!last.strip().equalsIgnoreCase("chunked") || comma >= 0) {
                            throw new BadAnswer("unsupported Transfer-Encoding from the upstream: " + value);
                        }
                        chunked = true;
                    }
                }
                default -> {
                }
            }
            headers.add(name);
            headers.add(value);
        }
        c.pos = lineStart;
        if (status >= 100 && status < 200) {
            if (status == 101) {
                throw new BadAnswer("the upstream switched protocols, which was not asked for");
            }
            return null; // 100, 102, 103: informational, the real answer follows
        }
        boolean reusable = !close && (!http10 || keepAlive10);
        if (teSeen && contentLength >= 0) {
            // RFC 9112 §6.3: Transfer-Encoding wins, and the connection must not be reused.
            contentLength = -1;
            reusable = false;
        }
        if (headRequest || status == 204 || status == 304) {
            return new Answer(status, headers, contentLength, false, false, true, reusable);
        }
        boolean untilClose = !chunked && contentLength < 0;
        return new Answer(status, headers, contentLength, chunked, untilClose, false, reusable && !untilClose);
    }

    private static long parseLength(String v) throws BadAnswer {
        if (v.isEmpty() || v.length() > 18) {
            throw new BadAnswer("malformed Content-Length from the upstream");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char d = v.charAt(i);
            if (d < '0' || d > '9') {
                throw new BadAnswer("malformed Content-Length from the upstream");
            }
            n = n * 10 + (d - '0');
        }
        return n;
    }

    private static final byte[] HTTP_1_ = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@link #isToken(String, int)} over the bytes from..to of an answer's head. */
    static boolean isToken(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #validValue(String, int)} over the bytes from..to of an answer's head. */
    static boolean validValue(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 §5.6.2 tchar. */
    static boolean isToken(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 §5.5 field-value: HTAB, SP, VCHAR and obs-text; never CR, LF, NUL or another control. */
    static boolean validValue(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static void relay(Exchange ex, Conn conn, Answer a, Pool pool) {
        ServerResponse res = ex.rawResponse();
        List<String> h = a.headers;
        List<String> connectionTokens = List.of();
        for (int i = 0; i < h.size(); i += 2) {
            if (h.get(i).equalsIgnoreCase("connection")) {
                connectionTokens = connectionTokens.isEmpty() ? new ArrayList<>() : connectionTokens;
                connectionTokens.add(h.get(i + 1));
            }
        }
        for (int i = 0; i < h.size(); i += 2) {
            // Helidon's HeaderName of a well-known header is a constant with its lower case already made
            HeaderName name = HeaderNames.create(h.get(i));
            String lower = name.lowerCase();
            if (Proxy.HOP_BY_HOP.contains(lower) || lower.equals("x-request-id") || lower.startsWith("x-ratelimit-")
                    || lower.startsWith("ratelimit") || Proxy.mentioned(connectionTokens, lower)
                    || lower.equals("content-length") || Proxy.setsOurCookie(lower, h.get(i + 1))) {
                // Content-Length: the server frames its own hop (set below, or by send)
                continue;
            }
            res.headers().add(HeaderValues.create(name, h.get(i + 1)));
        }
        res.header(Exchange.X_REQUEST_ID, ex.requestId());
        res.status(a.status);
        ex.markStreamed(a.status);
        boolean complete = false;
        try {
            if (a.noBody) {
                complete = true;
                if (a.contentLength >= 0 && a.status != 204) {
                    res.headers().contentLength(a.contentLength); // HEAD and 304: the length a GET would have had
                }
                res.outputStream().close();
            } else if (a.contentLength >= 0 && a.contentLength <= conn.lim - conn.pos) {
                // All of the body is already in the buffer (the common case for small answers): one write.
                int n = (int) a.contentLength;
                int at = conn.pos;
                conn.pos += n;
                complete = true;
                res.send(conn.buf, at, n);
            } else {
                if (a.contentLength >= 0) {
                    res.headers().contentLength(a.contentLength);
                }
                try (OutputStream out = res.outputStream()) {
                    if (a.chunked) {
                        complete = relayChunked(conn, out);
                    } else if (a.untilClose) {
                        relayUntilClose(conn, out);
                    } else {
                        complete = relayLength(conn, out, a.contentLength);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // The status line is gone; all we can do is end the response early, and close the client's
            // connection so that it sees the answer cut short rather than wait for the rest.
            LOG.debug("request {}: stream from upstream ended early: {}", ex.requestId(), e.toString());
            conn.close();
            throw new CloseConnectionException("request " + ex.requestId() + ": the upstream's answer ended early", e);
        } finally {
            // After an answer without a body the upstream may still send one (a HEAD answered like a GET, a
            // 204 with content): bytes that would be read as the next request's answer. Not worth the risk.
            if (complete && a.reusable && !a.noBody && conn.pos == conn.lim) {
                giveBack(pool, conn);
            } else {
                conn.close();
            }
        }
    }

    private static boolean relayLength(Conn c, OutputStream out, long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (c.pos == c.lim) {
                c.pos = 0;
                c.lim = 0;
                if (!c.fill()) {
                    throw new EOFException("the upstream closed the connection " + left + " bytes before the end of the body");
                }
            }
            int n = (int) Math.min(left, c.lim - c.pos);
            writeToClient(out, c.buf, c.pos, n);
            c.pos += n;
            left -= n;
        }
        return true;
    }

    private static void relayUntilClose(Conn c, OutputStream out) throws IOException {
        while (true) {
            if (c.pos < c.lim) {
                writeToClient(out, c.buf, c.pos, c.lim - c.pos);
            }
            c.pos = 0;
            c.lim = 0;
            if (!c.fill()) {
                return;
            }
        }
    }

    /** Decodes chunked framing; the client side frames the data again itself. Trailers are dropped. */
    private static boolean relayChunked(Conn c, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = line(c);
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip();
            if (hex.isEmpty() || hex.length() > 15) {
                throw new BadAnswer("malformed chunk size from the upstream");
            }
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new BadAnswer("malformed chunk size from the upstream");
            }
            if (size < 0 || hex.charAt(0) == '+' || hex.charAt(0) == '-') {
                throw new BadAnswer("malformed chunk size from the upstream");
            }
            if (size == 0) {
                // Trailers, up to the empty line, dropped; no more of them than header lines in a head, so an upstream
                // cannot hold the request open with an endless trailer (each line is bounded by line()).
                int trailers = 0;
                while (!line(c).isEmpty()) {
                    if (++trailers > MAX_HEADERS) {
                        throw new BadAnswer("more than " + MAX_HEADERS + " trailer lines from the upstream");
                    }
                }
                return true;
            }
            relayLength(c, out, size);
            if (!line(c).isEmpty()) {
                throw new BadAnswer("malformed chunk end from the upstream");
            }
        }
    }

    /** One CRLF- (or LF-) terminated line from the buffer, reading more as needed. */
    private static String line(Conn c) throws IOException {
        int scan = c.pos;
        while (true) {
            for (int i = scan; i < c.lim; i++) {
                if (c.buf[i] == '\n') {
                    int end = i > c.pos && c.buf[i - 1] == '\r' ? i - 1 : i;
                    String s = new String(c.buf, c.pos, end - c.pos, StandardCharsets.ISO_8859_1);
                    c.pos = i + 1;
                    return s;
                }
            }
            int have = c.lim - c.pos;
            if (have > 4096) {
                throw new BadAnswer("a chunk line from the upstream is too long");
            }
            if (c.pos > 0) {
                System.arraycopy(c.buf, c.pos, c.buf, 0, have);
                c.pos = 0;
                c.lim = have;
            }
            scan = c.lim;
            if (!c.fill()) {
                throw new EOFException("the upstream closed the connection inside a chunked body");
            }
        }
    }

    private static void writeToClient(OutputStream out, byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
