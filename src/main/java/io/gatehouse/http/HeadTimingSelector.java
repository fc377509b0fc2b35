package io.gatehouse.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Helidon's HTTP/1 connections, with one addition: the header deadline of {@link ClientDeadlines} starts at
 * the first byte of a request, not only once its request line is complete. Each connection reads through a
 * reader of our own over the same socket; when bytes arrive while the connection waits for a request line
 * (Helidon's {@code canInterrupt()}), the deadline starts. Everything else is Helidon's own selector.
 */
final class HeadTimingSelector implements ServerConnectionSelector {
    /** The connection the calling (virtual) thread serves: Helidon serves each connection on a thread of its own. */
    private static final ThreadLocal<InterruptableTask<?>> SERVING = new ThreadLocal<>();
    private final Http1ConnectionSelector http1;
    private final ClientDeadlines deadlines;

    HeadTimingSelector(Http1Config config, ClientDeadlines deadlines) {
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
        this.deadlines = deadlines;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        AtomicReference<ServerConnection> connection = new AtomicReference<>();
        DataReader reader = DataReader.create(() -> {
            byte[] bytes;
            try {
                bytes = ctx.serverSocket().get();
            } catch (UncheckedIOException e) {
                // As Helidon's own reader does: a failed socket is the connection's end, logged at trace.
                throw new ServerConnectionException("Failed to get data from socket", e);
            }
            if (bytes != null && connection.get() instanceof InterruptableTask<?> task && task.canInterrupt()) {
                deadlines.headBegins();
            }
            return bytes;
        });
        ServerConnection c = http1.connection(withReader(ctx, reader));
        connection.set(c);
        if (c instanceof InterruptableTask<?> task) {
            SERVING.set(task); // Helidon identifies the connection on the thread that then serves it
        }
        return c;
    }

    /**
     * Whether the calling thread's connection failed, or is, reading a request line. Helidon leaves that state
     * set when the line does not parse, and it reports some such lines (a method that is not a token) as an
     * internal error, not a bad request.
     */
    static boolean readingRequestLine() {
        InterruptableTask<?> task = SERVING.get();
        return task != null && task.canInterrupt();
    }

    /** The same context, reading through {@code reader}. */
    private static ConnectionContext withReader(ConnectionContext ctx, DataReader reader) {
        return new ReadingThrough(ctx, reader);
    }

    /**
     * Every method of the connection's context delegated, default ones included (Helidon's context overrides
     * some), except {@link #dataReader()}. A class rather than a {@link java.lang.reflect.Proxy}: the context is
     * asked for its peer and socket on every request, and a reflective call cost ~2% of a small request's CPU.
     */
    private record ReadingThrough(ConnectionContext ctx, DataReader reader) implements ConnectionContext {
        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }

        @Override
        public void log(System.Logger logger, System.Logger.Level level, String format, Object... params) {
            ctx.log(logger, level, format, params);
        }

        @Override
        public void log(System.Logger logger, System.Logger.Level level, String format, Throwable t, Object... params) {
            ctx.log(logger, level, format, t, params);
        }
    }
}
