package io.gatehouse.portal;

/**
 * SPEC §11 "Redirects": whether a {@code next} value is a path of this server that is safe to put in a
 * {@code Location} header. The whole value must be printable ASCII that may stand in a URL (so no
 * control character, space, backslash or non-ASCII letter that a browser would "fix"); its path must be
 * {@code /portal}, {@code /portal/…} or {@code /oauth/…}, with no empty, {@code .} or {@code ..} segment,
 * and no percent-encoded control character, slash, backslash, dot or percent sign (browsers decode some
 * of those before they resolve the path). The query, which a browser never turns into a host, may hold
 * any percent-encoded octet.
 */
final class NextPath {
    private static final int MAX = 4000;

    private NextPath() {
    }

    static boolean isSafe(String next) {
        if (next == null || next.isEmpty() || next.length() > MAX) {
            return false;
        }
        for (int i = 0; i < next.length(); i++) {
            if (!urlChar(next.charAt(i))) {
                return false;
            }
        }
        int q = next.indexOf('?');
        String path = q < 0 ? next : next.substring(0, q);
        if (!(path.equals("/portal") || path.startsWith("/portal/") || path.startsWith("/oauth/"))) {
            return false;
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.isEmpty() && !last || s.equals(".") || s.equals("..") || !plainSegment(s)) {
                return false;
            }
        }
        return percentWellFormed(next);
    }

    /** RFC 3986 unreserved, sub-delims, ':', '@', '/', '?' and '%' (no '#', no space, no '\', no control). */
    private static boolean urlChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@/?%".indexOf(c) >= 0;
    }

    /** A path segment whose percent-escapes decode to nothing a browser might treat as structure. */
    private static boolean plainSegment(String s) {
        for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
            if (i + 2 >= s.length()) {
                return false;
            }
            int v = hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2));
            if (v < 0x20 || v == 0x7f || v == '/' || v == '\\' || v == '.' || v == '%') {
                return false;
            }
        }
        return true;
    }

    private static boolean percentWellFormed(String s) {
        for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
            if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1000;
    }
}
