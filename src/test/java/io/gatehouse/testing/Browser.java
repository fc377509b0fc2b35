package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An HTTP client that behaves like a browser for the server-rendered pages: it keeps cookies, reads a
 * form's fields (the CSRF token among them) and submits them, and follows redirects on this server
 * while stopping at the first one that leaves it (the app's redirect URI).
 */
public final class Browser {
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>");
    private static final Pattern ATTR = Pattern.compile("(\\w[\\w-]*)=\"([^\"]*)\"");

    private final String base;
    private final HttpClient client;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

    public Browser(String base) {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A page, or the redirect that took us off this server. */
    public record Page(int status, String url, String body, String location, java.net.http.HttpHeaders headers) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public boolean leftServer() {
            return location != null;
        }
    }

    public Page open(String url) {
        return follow(send(HttpRequest.newBuilder(URI.create(absolute(url))).GET()), absolute(url));
    }

    /** Submits the page's form (the first one whose action contains {@code actionPart}) with these values set. */
    public Page submit(Page page, String actionPart, Map<String, String> values) {
        Matcher form = Pattern.compile("<form\\b[^>]*action=\"([^\"]*" + Pattern.quote(actionPart) + "[^\"]*)\"[^>]*>(.*?)</form>",
                Pattern.DOTALL).matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no form with action containing " + actionPart + " in:\n" + page.body());
        }
        Map<String, String> fields = fields(form.group(2));
        fields.putAll(values);
        String action = form.group(1).replace("&amp;", "&");
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(absolute(action)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return follow(send(req), absolute(action));
    }

    /** A cookie this browser holds for the server, or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    /**
     * One request with this browser's cookies, redirects not followed: {@code location} is the Location
     * header, whatever it points to. A form body is sent form-encoded with the CSRF token added.
     */
    public Page request(String method, String url, Map<String, String> form, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(absolute(url)));
        if (form == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            Map<String, String> fields = new LinkedHashMap<>(form);
            // What the server's pages put in their forms: bound to the session once there is one.
            String session = cookie(io.gatehouse.portal.Sessions.COOKIE);
            String csrf = session != null ? io.gatehouse.portal.Csrf.forSession(session) : cookie("gatehouse_csrf");
            if (csrf != null) {
                fields.putIfAbsent("csrf", csrf);
            }
            b.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(
                    fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"))));
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = send(b);
        return new Page(r.statusCode(), absolute(url), r.body(), r.headers().firstValue("Location").orElse(null), r.headers());
    }

    /** One request with this browser's cookies and a raw body (null for none); redirects not followed. */
    public Page raw(String method, String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(absolute(url)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = send(b);
        return new Page(r.statusCode(), absolute(url), r.body(), r.headers().firstValue("Location").orElse(null), r.headers());
    }

    /** The hidden and filled inputs of a piece of HTML, by name. */
    public static Map<String, String> fields(String html) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = INPUT.matcher(html);
        while (m.find()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            Matcher a = ATTR.matcher(m.group(1));
            while (a.find()) {
                attrs.put(a.group(1), unescape(a.group(2)));
            }
            if (attrs.containsKey("name")) {
                out.put(attrs.get("name"), attrs.getOrDefault("value", ""));
            }
        }
        return out;
    }

    private Page follow(HttpResponse<String> r, String url) {
        for (int hops = 0; hops < 10; hops++) {
            String location = r.headers().firstValue("Location").orElse(null);
            if (r.statusCode() < 300 || r.statusCode() >= 400 || location == null) {
                return new Page(r.statusCode(), url, r.body(), null, r.headers());
            }
            String next = absolute(location);
            if (!next.startsWith(base)) {
                return new Page(r.statusCode(), url, r.body(), location, r.headers());
            }
            url = next;
            r = send(HttpRequest.newBuilder(URI.create(next)).GET());
        }
        throw new AssertionError("too many redirects");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return client.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String absolute(String url) {
        return url.startsWith("/") ? base + url : url;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** HTML character references in attribute values: the named ones pages use, and numeric ones ({@code &#34;}). */
    private static String unescape(String s) {
        Matcher m = Pattern.compile("&(#\\d+|#x[0-9a-fA-F]+|quot|lt|gt|amp);").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            String c = switch (ref) {
                case "quot" -> "\"";
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                default -> Character.toString(ref.startsWith("#x") ? Integer.parseInt(ref.substring(2), 16)
                        : Integer.parseInt(ref.substring(1)));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(c));
        }
        m.appendTail(out);
        return out.toString();
    }
}
