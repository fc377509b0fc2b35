package io.gatehouse.portal;

import io.gatehouse.auth.Secrets;
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
    static String token(Exchange ex, boolean secure) {
        String t = ex.cookie(COOKIE);
        if (t == null || t.length() < 20 || t.length() > 100) {
            t = Secrets.randomText(24);
            ex.header("Set-Cookie", COOKIE + "=" + t + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        }
        return t;
    }

    /** Whether a form's token is present and equals the cookie. */
    static boolean valid(Exchange ex, String sent) {
        String cookie = ex.cookie(COOKIE);
        return cookie != null && sent != null
                && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}
