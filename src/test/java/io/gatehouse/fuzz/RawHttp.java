package io.gatehouse.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Sends bytes exactly as given (no client library fixes them up) and reads one HTTP/1.1 answer.
 * Fuzzing needs this: the JDK client refuses most of the inputs worth trying.
 */
final class RawHttp {
    /** One answer; {@code status} is -1 when none came within the deadline, 0 when the server just closed. */
    record Answer(int status, String head, byte[] body, boolean hung) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean hasHeader(String name) {
            String prefix = "\r\n" + name.toLowerCase(Locale.ROOT) + ":";
            return head.toLowerCase(Locale.ROOT).contains(prefix);
        }

        @Override
        public String toString() {
            return hung ? "(no answer)" : head + "\r\n\r\n" + text();
        }
    }

    private RawHttp() {
    }

    static Answer send(int port, byte[] request, Duration deadline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout((int) deadline.toMillis());
            long until = System.nanoTime() + deadline.toNanos();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading it all (a 413, a 400): read what it said.
            }
            return read(socket.getInputStream(), until, head(request));
        } catch (SocketTimeoutException e) {
            return new Answer(-1, "", new byte[0], true);
        } catch (IOException e) {
            return new Answer(0, "", new byte[0], false);
        }
    }

    private static boolean head(byte[] request) {
        return request.length >= 5 && new String(request, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
    }

    private static Answer read(InputStream in, long until, boolean headRequest) throws IOException {
        Reader r = new Reader(in, until);
        while (true) {
            String head = r.head();
            if (head == null) {
                return new Answer(0, "", new byte[0], false);
            }
            int status = status(head);
            if (status >= 100 && status < 200) {
                continue;
            }
            byte[] body;
            String lower = head.toLowerCase(Locale.ROOT);
            if (headRequest || status == 204 || status == 304) {
                body = new byte[0];
            } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
                body = r.chunked();
            } else if (contentLength(lower) >= 0) {
                body = r.exactly(contentLength(lower));
            } else {
                body = r.rest();
            }
            return new Answer(status, head, body, false);
        }
    }

    private static int status(String head) {
        String[] parts = head.split(" ", 3);
        try {
            return parts.length >= 2 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long contentLength(String lowerHead) {
        int i = lowerHead.indexOf("\r\ncontent-length:");
        if (i < 0) {
            return -1;
        }
        int end = lowerHead.indexOf("\r\n", i + 2);
        return Long.parseLong(lowerHead.substring(i + 17, end < 0 ? lowerHead.length() : end).trim());
    }

    /** Reads under one deadline for the whole answer, so a server that trickles bytes still counts as hung. */
    private static final class Reader {
        private final InputStream in;
        private final long until;

        Reader(InputStream in, long until) {
            this.in = in;
            this.until = until;
        }

        private int next() throws IOException {
            if (System.nanoTime() > until) {
                throw new SocketTimeoutException("deadline");
            }
            return in.read();
        }

        String head() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int matched = 0;
            int c;
            while ((c = next()) >= 0) {
                b.write(c);
                matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : (c == '\r' ? 1 : 0);
                if (matched == 4) {
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    return s.substring(0, s.length() - 4);
                }
            }
            return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }

        byte[] exactly(long n) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (long i = 0; i < n; i++) {
                int c = next();
                if (c < 0) {
                    break;
                }
                b.write(c);
            }
            return b.toByteArray();
        }

        byte[] chunked() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                if (size == null) {
                    return b.toByteArray();
                }
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (true) {
                        String trailer = line();
                        if (trailer == null || trailer.isEmpty()) {
                            return b.toByteArray();
                        }
                    }
                }
                b.writeBytes(exactly(n));
                line();
            }
        }

        byte[] rest() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = next()) >= 0) {
                b.write(c);
            }
            return b.toByteArray();
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = next()) >= 0 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
