package io.gatehouse.interop;

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

/** A browser without JavaScript: keeps cookies, follows redirects across hosts, submits forms it finds. */
final class FormClient {
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>");
    private static final Pattern ATTR = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");

    record Page(URI url, int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    Page get(String url) throws Exception {
        return follow(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build());
    }

    /** Submits the first form whose action contains {@code actionPart}, with its fields and these values. */
    Page submit(Page page, String actionPart, Map<String, String> values) throws Exception {
        Matcher form = Pattern.compile("<form\\b[^>]*action=\"([^\"]*" + Pattern.quote(actionPart) + "[^\"]*)\"[^>]*>(.*?)</form>",
                Pattern.DOTALL).matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no form posting to " + actionPart + " on " + page.url() + ":\n" + page.body());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher in = INPUT.matcher(form.group(2));
        while (in.find()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            Matcher a = ATTR.matcher(in.group(1));
            while (a.find()) {
                attrs.put(a.group(1), unescape(a.group(2)));
            }
            if (attrs.containsKey("name")) {
                fields.put(attrs.get("name"), attrs.getOrDefault("value", ""));
            }
        }
        fields.putAll(values);
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        URI action = page.url().resolve(unescape(form.group(1)));
        return follow(HttpRequest.newBuilder(action).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Page follow(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        for (int hops = 0; r.statusCode() >= 300 && r.statusCode() < 400 && hops < 20; hops++) {
            URI next = r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
            r = http.send(HttpRequest.newBuilder(next).header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        return new Page(r.uri(), r.statusCode(), r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String unescape(String s) {
        return s.replace("&amp;", "&").replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">");
    }
}
