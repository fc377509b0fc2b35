package io.gatehouse.portal;

import io.gatehouse.auth.Secrets;
import io.gatehouse.http.Answered;
import io.gatehouse.http.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * CSRF protection for every form (SPEC §8): a random token in a SameSite=Strict, HttpOnly cookie that
 * each form repeats in a hidden field (double submit). A cross-site page can neither read the cookie
 * nor make the browser send it.
 */
public final class Csrf {
    public static final String COOKIE = "gatehouse_csrf";
    public static final String FIELD = "csrf";

    private Csrf() {
    }

    /** The token for this browser, setting the cookie if it has none. */
    public static String token(Exchange ex, boolean secure) {
        String t = ex.cookie(COOKIE);
        if (t == null || t.length() < 20 || t.length() > 100) {
            t = Secrets.randomText(24);
            ex.header("Set-Cookie", COOKIE + "=" + t + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        }
        return t;
    }

    public static String field(String token) {
        return "<input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + Html.esc(token) + "\">";
    }

    /** Refuses a form whose token is missing or does not match the cookie: a 403 page, and nothing is changed. */
    public static void check(Exchange ex, String sent) {
        String cookie = ex.cookie(COOKIE);
        if (cookie == null || sent == null
                || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
            Html.page(ex, 403, "Form expired", "<h1>This form has expired</h1><p role=\"alert\">Its security token is missing "
                    + "or stale, so nothing was changed. Go back, reload the page and try again.</p>");
            throw new Answered();
        }
    }
}
