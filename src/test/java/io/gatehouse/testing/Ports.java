package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Local ports that misbehave in a known way for as long as the test holds them. A port found free and closed
 * again ("closed port") can be taken by another process on a shared machine before the test uses it; these
 * stay bound, so nothing else can listen there.
 */
public final class Ports {
    private Ports() {
    }

    /** Bound but not listening: every connection to its port is refused at once (ECONNREFUSED). */
    public static Socket refusing() {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    /**
     * Listening, but nobody reads: connections are accepted by the kernel (up to the backlog) and never answered,
     * unless the test calls {@code accept()} to hold one itself.
     */
    public static ServerSocket silent() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
