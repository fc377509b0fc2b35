package io.gatehouse.fuzz;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import net.jqwik.api.Combinators;

/** Generators of hostile input: strings, JWS, credentials, forms, JSON, paths, URIs, routes files. */
final class Inputs {
    /** JSON escapes of a lone surrogate and of NUL (written this way so javac does not read them as escapes). */
    private static final String LONE_SURROGATE = "\"" + "\\" + "ud800\"";
    private static final String NUL_ESCAPE = "\"" + "\\" + "u0000\"";
    private Inputs() {
    }

    /** Any text: short and long, control characters, non-ASCII, now and then huge. */
    static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(10, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80)),
                Tuple.of(5, Arbitraries.of("", " ", "null", "0", "-1", "1e400", "true", "[]", "{}", "%", "%zz",
                        "%00", "\u0000", "\uffff", "\ud800", "..", "../..", "a/../../b", "😀", "\r\n", "<script>", "' OR 1=1--",
                        "${jndi:ldap://x}", "9223372036854775808", "NaN")),
                Tuple.of(1, Arbitraries.integers().between(1_000, 70_000).map("a"::repeat)));
    }

    /** A header value: any byte but CR and LF (those would end the header, which the raw corpus covers). */
    static Arbitrary<String> headerValue() {
        return text().map(s -> s.replace('\r', ' ').replace('\n', ' '));
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Strings shaped like a JWS: header, payload and signature segments, each plausible or broken. */
    static Arbitrary<String> jws(String valid) {
        Arbitrary<String> headers = Arbitraries.of("null", "{}", "[]", "\"x\"", "1", "{\"alg\":\"none\"}", "{\"alg\":\"RS256\"}",
                "{\"alg\":\"RS256\",\"kid\":\"nope\"}", "{\"alg\":\"RS256\",\"kid\":null}", "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"ES256\",\"kid\":1}", "{\"alg\":\"RS256\",\"crit\":[\"x\"]}", "{\"alg\":\"RS256\",\"jwk\":{}}",
                "{\"alg\":\"RS256\",\"x5u\":\"http://127.0.0.1/\"}", "{\"alg\":{}}", "{\"alg\":\"RS256\"").map(Inputs::b64);
        Arbitrary<String> payloads = Arbitraries.of("null", "{}", "[]", "{\"exp\":\"x\"}", "{\"exp\":1e999}", "{\"sub\":[]}",
                "{\"exp\":4102444800,\"scope\":7}", "{\"client_id\":null}", "garbage").map(Inputs::b64);
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(3, headers),
                Tuple.of(3, payloads),
                Tuple.of(2, Arbitraries.strings().withChars("ABCabc012-_+/=.%").ofMaxLength(30)),
                Tuple.of(1, Arbitraries.just("")));
        Arbitrary<String> built = Combinators.combine(headers, payloads, segment).as((h, p, s) -> h + "." + p + "." + s);
        Arbitrary<String> pieces = segment.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(".", l));
        return Arbitraries.frequencyOf(
                Tuple.of(4, built),
                Tuple.of(2, pieces),
                Tuple.of(3, mutated(valid)));
    }

    /** A valid credential with one thing changed: a character, a cut, a segment swapped or repeated. */
    static Arbitrary<String> mutated(String valid) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length() - 1);
        Arbitrary<Character> ch = Arbitraries.chars().all();
        return Arbitraries.oneOf(
                Combinators.combine(at, ch).as((i, c) -> valid.substring(0, i) + c + valid.substring(i + 1)),
                at.map(i -> valid.substring(0, i)),
                at.map(i -> valid.substring(i)),
                Arbitraries.just(valid + "." + valid),
                Arbitraries.just(valid.replace(".", "..")),
                Arbitraries.just(valid + " " + valid),
                Arbitraries.just(valid.toUpperCase()));
    }

    /** An Authorization header value: schemes right and wrong, with valid, mutated and random credentials. */
    static Arbitrary<String> authorization(FuzzTarget t) {
        Arbitrary<String> scheme = Arbitraries.of("Bearer ", "bearer ", "Bearer  ", "Basic ", "Token ", "", "Bearer", "Digest ", "BEARER\t");
        Arbitrary<String> cred = Arbitraries.oneOf(jws(t.accessToken), mutated(t.apiKey), headerValue(),
                Combinators.combine(headerValue(), headerValue()).as((a, b) -> Base64.getEncoder()
                        .encodeToString((a + ":" + b).getBytes(StandardCharsets.UTF_8))),
                Arbitraries.just(Base64.getEncoder().encodeToString((t.clientId + ":").getBytes(StandardCharsets.UTF_8))),
                Arbitraries.just(t.basic.substring(6) + "="));
        return Combinators.combine(scheme, cred).as(String::concat);
    }

    /** A form body or query: known and unknown names, repeated, missing, huge, badly encoded. */
    static Arbitrary<String> form() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of("grant_type", "client_id", "client_secret", "code", "redirect_uri",
                        "code_verifier", "code_challenge", "code_challenge_method", "refresh_token", "scope", "customer_key",
                        "token", "token_type_hint", "response_type", "state", "device_code", "nonce", "prompt")),
                Tuple.of(1, text()));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("client_credentials", "authorization_code", "refresh_token", "code",
                        "S256", "plain", "user.read", "user.read leads.read", "https://app.example.com/callback",
                        "urn:ietf:params:oauth:grant-type:device_code", "password", "token")),
                Tuple.of(4, text()));
        Arbitrary<String> encoding = Arbitraries.of("form", "raw", "broken");
        Arbitrary<String> pair = Combinators.combine(name, value, encoding).as((n, v, e) -> switch (e) {
            case "form" -> formEncode(n) + "=" + formEncode(v);
            case "raw" -> n + "=" + v;
            default -> n + "=%" + v + "%z";
        });
        return Arbitraries.frequencyOf(
                Tuple.of(10, pair.list().ofMaxSize(12).map(l -> String.join("&", l))),
                Tuple.of(1, Arbitraries.of("&&&", "=", "==", "a", "%", "&=&", ";", "grant_type")));
    }

    /** JSON texts: valid and wrong shapes, deep, duplicate keys, trailing content, as bytes with bad encodings too. */
    static Arbitrary<byte[]> json() {
        Arbitrary<String> value = jsonValue(3);
        Arbitrary<String> object = jsonObject(value);
        Arbitrary<String> deep = Arbitraries.integers().between(50, 5_000)
                .flatMap(n -> Arbitraries.of("[".repeat(n) + "]".repeat(n), "{\"a\":".repeat(n) + "1" + "}".repeat(n),
                        "[".repeat(n), "{\"a\":".repeat(n)));
        Arbitrary<String> twisted = Combinators.combine(object, Arbitraries.of(
                "", "x", "}", "{}", "\u0000", " // c", ",", "]", "\n{\"a\":1}")).as(String::concat);
        Arbitrary<String> duplicate = Combinators.combine(Arbitraries.of("name", "email", "password", "firstName", "type"),
                value, value).as((k, a, b) -> "{\"" + k + "\":" + a + ",\"" + k + "\":" + b + "}");
        Arbitrary<byte[]> texts = Arbitraries.frequencyOf(
                Tuple.of(8, object),
                Tuple.of(2, value),
                Tuple.of(1, deep),
                Tuple.of(3, twisted),
                Tuple.of(2, duplicate)).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> badBytes = Combinators.combine(texts, Arbitraries.of(
                new byte[] {0, 0, 0}, new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {(byte) 0xc3, 0x28},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                new byte[] {0}), Arbitraries.integers().between(0, 2)).as((t, b, where) -> splice(t, b, where));
        return Arbitraries.frequencyOf(Tuple.of(6, texts), Tuple.of(1, badBytes));
    }

    private static byte[] splice(byte[] text, byte[] bad, int where) {
        int at = where == 0 ? 0 : where == 1 ? text.length / 2 : text.length;
        byte[] out = new byte[text.length + bad.length];
        System.arraycopy(text, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(text, at, out, at + bad.length, text.length - at);
        return out;
    }

    private static Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                text().map(Inputs::quote),
                Arbitraries.of("null", "true", "false", "0", "-0", "1.5e308", "1e999", "-9223372036854775809",
                        "18446744073709551616", "0.0000001", "\"\"", "\"2025-13-45T99:99:99Z\"", LONE_SURROGATE, NUL_ESCAPE));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> inner = jsonValue(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(6, scalar),
                Tuple.of(1, inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]")),
                Tuple.of(1, jsonObject(inner)));
    }

    private static Arbitrary<String> jsonObject(Arbitrary<String> value) {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of("name", "description", "email", "password", "firstName", "lastName",
                        "phone", "company", "type", "redirect_uris", "permissions", "expires_at", "owner_id", "role",
                        "rate_limit_per_minute", "status", "allowed_origins", "notes", "id", "key")),
                Tuple.of(1, text()));
        Arbitrary<String> member = Combinators.combine(key, value).as((k, v) -> quote(k) + ":" + v);
        return member.list().ofMaxSize(8).map(l -> "{" + String.join(",", l) + "}");
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Paths: dot segments plain and encoded, encoded slashes and backslashes, control characters, odd encodings. */
    static Arbitrary<String> path() {
        Arbitrary<String> prefix = Arbitraries.of(FuzzTarget.ROUTE, "/v1.0/", "/v1.0/leads/", "/v1.0/apps/", "/portal/",
                "/portal/apps/", "/oauth/", "/", "//", "/v1.0/fz", "/.well-known/", "/admin/v1/", "");
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(".", "..", "%2e", "%2E%2e", ".%2e", "%2e.", "%2f", "%2F", "%5c", "\\",
                        "%00", "%0a", "%09", "%", "%zz", "%u002e", "..;", ";x=1", "%252e%252e", "..%2f", "%c0%ae", "%e2%80%ae",
                        "", "~", "fz", "me", "leads", "1", "-1", "99999999999999999999", "x+y", "a%20b", "ai", "internal",
                        "%ff", "€", "\t", "..\\", "%2e%2e%5c")),
                Tuple.of(2, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6)));
        Arbitrary<String> separator = Arbitraries.of("/", "/", "/", "//", "\\", "%2f");
        Arbitrary<String> rest = Combinators.combine(segment, separator).as(String::concat).list().ofMaxSize(8)
                .map(l -> String.join("", l));
        Arbitrary<String> query = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just("")),
                Tuple.of(2, form().map(f -> "?" + f)),
                Tuple.of(1, Arbitraries.of("?", "#x", "?a=%", "??", "?limit=-1", "?cursor=zz", "?limit=1e9")));
        return Combinators.combine(prefix, rest, query).as((p, r, q) -> clean(p + r + q));
    }

    /** Spaces, CR and LF would change the request line's framing, which the corpus covers on its own. */
    private static String clean(String target) {
        return target.replace(' ', '_').replace('\r', '_').replace('\n', '_');
    }

    /** Redirect URIs: schemes, user info, hosts, ports and parameters an attacker might try. */
    static Arbitrary<String> redirectUri() {
        Arbitrary<String> scheme = Arbitraries.of("https://", "http://", "javascript:", "data:", "com.example.app:/", "HTTPS://",
                "http:/", "//", "", "file://", "ftp://");
        Arbitrary<String> userinfo = Arbitraries.of("", "", "", "user@", "user:pass@", "app.example.com@", "@");
        Arbitrary<String> host = Arbitraries.of("app.example.com", "localhost", "127.0.0.1", "[::1]", "[::1", "0x7f.1", "evil.com",
                "app.example.com.evil.com", "", "ex ample.com", "例え.jp", "xn--r8jz45g.jp", "app.example.com\\@evil.com",
                "%61pp.example.com");
        Arbitrary<String> port = Arbitraries.of("", "", ":0", ":99999", ":-1", ":abc", ":8080", ":65535", ":65536", ":");
        Arbitrary<String> tail = Arbitraries.of("/callback", "", "/cb;x=1", "/cb?x=1", "/cb#f", "/cb/../x", "/%2e%2e/",
                "/cb%0d%0aX:1", "/cb'\"><script>", "/cb\u0000", "/" + "a".repeat(3000));
        return Combinators.combine(scheme, userinfo, host, port, tail).as((s, u, h, p, t) -> s + u + h + p + t);
    }

    /** Routes files: right and wrong shapes for each field, YAML oddities, anchors. */
    static Arbitrary<String> routesFile() {
        Arbitrary<String> field = Arbitraries.of(
                "path: /v1.0/x/**", "path: /v1.0/x", "path: ''", "path: /../**", "path: /v1.0/%2e%2e/**", "path: [1]",
                "path: null", "methods: [GET]", "methods: GET", "methods: [BREW]", "methods: []", "methods: [null]",
                "upstream: http://127.0.0.1:1", "upstream: ftp://x", "upstream: 'http://u:p@h/'", "upstream: ::", "upstream: 7",
                "permission: ai.use", "permission: ''", "permission: [x]", "limit_per_minute: 10", "limit_per_minute: -1",
                "limit_per_minute: 1e99", "limit_per_minute: x", "timeout_seconds: 0", "timeout_seconds: 99999999999",
                "unknown: 1", "openapi: {}", "openapi: x");
        Arbitrary<String> route = field.list().ofMinSize(1).ofMaxSize(6).map(l -> "  - " + String.join("\n    ", l));
        Arbitrary<String> doc = route.list().ofMaxSize(4).map(l -> "routes:\n" + String.join("\n", l) + "\n");
        return Arbitraries.frequencyOf(
                Tuple.of(8, doc),
                Tuple.of(1, Arbitraries.of("", "routes:", "routes: 1", "routes: [1, 2]", "- a", "{", "a: &a [*a]",
                        "routes: !!java.lang.Object {}", "routes:\n  - &x {path: /a/**}\n  - *x\n", "\t", "routes: {}")),
                Tuple.of(1, text()));
    }

    /** Percent-encoding as a browser's form does it. */
    static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<String[]> headers(String... pairs) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                out.add(new String[] {pairs[i], pairs[i + 1]});
            }
        }
        return out;
    }
}
