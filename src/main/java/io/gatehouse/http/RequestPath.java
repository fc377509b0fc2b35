package io.gatehouse.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SPEC §11 v2 "One path": a request path is decoded and normalized once, and routing, permissions,
 * limits and the URL forwarded upstream all use the result. Percent-encoded unreserved characters
 * (RFC 3986 §2.3, {@code %2e} among them) are decoded, other escapes keep their meaning with upper-case
 * hex, empty segments collapse and dot segments are removed (RFC 3986 §5.2.4). A path is refused when it
 * has an encoded slash or backslash, a backslash, a control character, a malformed escape, an escape
 * encoded twice ({@code %252e}, which a server that decodes twice reads as {@code .}), a dot segment
 * hidden behind a {@code ;} parameter ({@code ..;}, which some servers treat as {@code ..}), or a
 * {@code ..} that climbs above the root.
 */
public final class RequestPath {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RequestPath() {
    }

    /** Why a path was refused; the message is safe to show (it never repeats the path). */
    public static final class InvalidPathException extends RuntimeException {
        InvalidPathException(String message) {
            super(message, null, false, false);
        }
    }

    /** The normalized path; throws {@link InvalidPathException} for a path that SPEC §11 refuses. */
    public static String normalize(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            throw new InvalidPathException("the request path must start with /");
        }
        if (isPlain(raw)) {
            return raw;
        }
        String decoded = decodeUnreserved(raw);
        for (int i = decoded.indexOf("%25"); i >= 0; i = decoded.indexOf("%25", i + 1)) {
            if (i + 4 < decoded.length() && hex(decoded.charAt(i + 3)) >= 0 && hex(decoded.charAt(i + 4)) >= 0) {
                // %252e (or %25%32%65): a server that decodes twice reads '.', and two of them climb out of the route
                throw new InvalidPathException("the request path is percent-encoded twice");
            }
        }
        return removeDotSegments(decoded);
    }

    /**
     * The common case, checked in one pass: only unreserved characters and slashes, no empty segment and
     * no segment that starts with a dot. Such a path is already normal.
     */
    private static boolean isPlain(String raw) {
        char prev = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '~' || c == '/' && prev != '/' || c == '.' && prev != '/';
            if (!ok) {
                return false;
            }
            prev = c;
        }
        return true;
    }

    private static String decodeUnreserved(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    throw new InvalidPathException("the request path has a malformed percent-encoding");
                }
                int b = hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2));
                i += 2;
                if (b < 0x20 || b == 0x7f) {
                    throw new InvalidPathException("the request path holds a control character");
                }
                if (b == '/' || b == '\\') {
                    throw new InvalidPathException("the request path holds an encoded slash or backslash");
                }
                if (isUnreserved(b)) {
                    out.append((char) b);
                } else {
                    out.append('%').append(HEX[b >> 4]).append(HEX[b & 15]);
                }
            } else if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0) {
                throw new InvalidPathException("the request path holds a control character");
            } else if (c == '\\') {
                throw new InvalidPathException("the request path holds a backslash");
            } else if (c == '/' || isUnreserved(c) || isSubDelimOrColonAt(c)) {
                out.append(c);
            } else {
                // Anything else (a quote, a brace, a non-ASCII letter) is escaped as UTF-8, so the path
                // forwarded upstream is a valid URI path with the same meaning.
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    bytes = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                for (byte b : bytes) {
                    out.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
                }
            }
        }
        return out.toString();
    }

    /** RFC 3986 §5.2.4, with empty segments collapsed and a climb above the root refused. */
    private static String removeDotSegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        List<String> kept = new ArrayList<>(segments.length);
        boolean trailingSlash = false;
        for (String s : segments) {
            String bare = s.indexOf(';') < 0 ? s : s.substring(0, s.indexOf(';'));
            if (!bare.equals(s) && (bare.equals(".") || bare.equals(".."))) {
                throw new InvalidPathException("the request path holds a dot segment with a ';' parameter");
            }
            if (s.isEmpty() || s.equals(".")) {
                trailingSlash = true;
            } else if (s.equals("..")) {
                if (kept.isEmpty()) {
                    throw new InvalidPathException("the request path climbs above the root");
                }
                kept.removeLast();
                trailingSlash = true;
            } else {
                kept.add(s);
                trailingSlash = false;
            }
        }
        if (kept.isEmpty()) {
            return "/";
        }
        return "/" + String.join("/", kept) + (trailingSlash ? "/" : "");
    }

    /**
     * Decodes a path segment of a normalized path (a route parameter): every escape becomes its UTF-8
     * character and {@code +} stays a plus (it means a space only in forms, not in paths).
     */
    public static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length() && hex(segment.charAt(i + 1)) >= 0 && hex(segment.charAt(i + 2)) >= 0) {
                bytes.write(hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2)));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The path made safe for a log line: control characters and backslashes replaced, at most 200 characters. */
    public static String printable(String raw) {
        StringBuilder out = new StringBuilder(Math.min(raw.length(), 200));
        for (int i = 0; i < raw.length() && i < 200; i++) {
            char c = raw.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '\\' || c >= 0x80 && c < 0xa0 ? '?' : c);
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                || c == '~';
    }

    /** RFC 3986 pchar beyond the unreserved: sub-delims, ':' and '@'. */
    private static boolean isSubDelimOrColonAt(char c) {
        return "!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
