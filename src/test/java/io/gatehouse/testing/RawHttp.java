package io.gatehouse.testing;

import io.gatehouse.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for requests no well-behaved client sends: paths as they are
 * ({@code curl --path-as-is}), odd header names, bodies on HEAD. One request per connection.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A response: status, headers (lower-case names, first value) and body. */
    public record Resp(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /** Sends {@code method target HTTP/1.1}, the headers (name, value pairs), Host and Connection: close, and the body. */
    public static Resp send(int port, String method, String target, byte[] body, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n").append("Connection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        return exchange(port, out.toByteArray(), !"HEAD".equals(method));
    }

    /** Writes the bytes as they are and reads one response. */
    public static Resp exchange(int port, byte[] request, boolean hasBody) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream(), hasBody);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a response's status line, headers and (Content-Length, chunked or to the end) body. */
    public static Resp read(InputStream in, boolean hasBody) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.putIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        byte[] body;
        if (!hasBody || code == 204 || code == 304) {
            body = new byte[0];
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int n; (n = Integer.parseInt(line(in).split(";")[0].strip(), 16)) > 0; ) {
                b.writeBytes(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Resp(code, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
