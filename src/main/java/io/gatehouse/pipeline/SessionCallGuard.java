package io.gatehouse.pipeline;

import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * SPEC §11: a state-changing JSON call authenticated by the portal cookie ({@code /v1.0/me/…},
 * {@code /v1.0/apps…}) must send {@code Content-Type: application/json} and come from this server's own
 * pages: a same-origin {@code Origin}, or the CSRF header (equal to the portal's CSRF cookie). A page on
 * another site can do neither: a form cannot send JSON, fetch cannot send JSON across sites without a
 * CORS preflight that Gatehouse never grants, and it cannot read the CSRF cookie. Refusals are 403 and
 * change nothing.
 */
public final class SessionCallGuard {
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final Supplier<String> issuer;
    private final java.util.function.Function<Exchange, String> csrfToken;

    /**
     * @param issuer    the public base URL (GATEHOUSE_ISSUER); its origin is this server's
     * @param csrfToken this browser's form token, which the CSRF header must repeat (null: it has none)
     */
    public SessionCallGuard(Supplier<String> issuer, java.util.function.Function<Exchange, String> csrfToken) {
        this.issuer = issuer;
        this.csrfToken = csrfToken;
    }

    public void check(Exchange ex) {
        String method = ex.method();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return;
        }
        boolean carriesBody = !method.equals("DELETE") || ex.declaredContentLength() > 0
                || ex.header("Content-Type") != null || ex.header("Transfer-Encoding") != null;
        if (carriesBody && !isJson(ex.header("Content-Type"))) {
            throw ApiException.forbidden("A call made with the portal session must send Content-Type: application/json.");
        }
        String origin = ex.header("Origin");
        if (origin != null) {
            if (!sameOrigin(origin, ex.header("Host"))) {
                throw ApiException.forbidden("A call made with the portal session must come from this server's own pages.");
            }
            return;
        }
        String site = ex.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw ApiException.forbidden("A call made with the portal session must come from this server's own pages.");
        }
        String sent = ex.header(CSRF_HEADER);
        String expected = csrfToken.apply(ex);
        if (sent == null || expected == null
                || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.forbidden("A call made with the portal session needs an Origin header of this server or the "
                    + CSRF_HEADER + " header.");
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json");
    }

    /** The Origin names this server: the issuer's origin, or the host the browser addressed (same scheme-less authority). */
    boolean sameOrigin(String origin, String host) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        if (o.equals(originOf(issuer.get()))) {
            return true;
        }
        int sep = o.indexOf("://");
        if (host == null || sep < 0 || !(o.startsWith("http://") || o.startsWith("https://"))) {
            return false;
        }
        return o.substring(sep + 3).equals(host.strip().toLowerCase(Locale.ROOT));
    }

    private static String originOf(String url) {
        try {
            URI u = URI.create(url);
            return (u.getScheme() + "://" + u.getRawAuthority()).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
