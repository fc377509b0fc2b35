package io.gatehouse.portal;

import io.gatehouse.auth.Secrets;
import io.gatehouse.http.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * CSRF protection for every form (SPEC §8). A browser with a session cookie gets a token derived from that
 * cookie's value, which only the browser and this server know (HttpOnly, random): a forged form needs the
 * session itself. Before there is a session (log in, sign up, forgot, reset) the token is a random value in a
 * SameSite=Strict, HttpOnly cookie that each form repeats (double submit). A double-submit token alone could be
 * chosen by whoever can write a cookie for this host, such as a sibling subdomain (which is also same-site, so
 * SameSite does not stop its posts); binding it to the session closes that for every logged-in form
 * (audit "attack2", docs/security.md).
 */
public final class Csrf {
    public static final String COOKIE = "gatehouse_csrf";
    public static final String FIELD = "csrf";

    private Csrf() {
    }

    /** The token for this browser: bound to its session cookie, else the double-submit cookie (set if it has none). */
    static String token(Exchange ex, boolean secure) {
        String session = session(ex);
        if (session != null) {
            return forSession(session);
        }
        String t = ex.cookie(COOKIE);
        if (t == null || t.length() < 20 || t.length() > 100) {
            t = Secrets.randomText(24);
            ex.header("Set-Cookie", COOKIE + "=" + t + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        }
        return t;
    }

    /** Whether a form's token is present and is this browser's: the session's, or (with no session cookie) the cookie's. */
    static boolean valid(Exchange ex, String sent) {
        String expected = expected(ex);
        return expected != null && sent != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The token this browser's forms carry, without setting any cookie: the session's, else the double-submit cookie's
     * (null if it has neither). Also what the {@code X-CSRF-Token} header of a session call must repeat.
     */
    public static String expected(Exchange ex) {
        String session = session(ex);
        return session != null ? forSession(session) : ex.cookie(COOKIE);
    }

    /** The form token of a browser holding this session cookie (what its pages put in their forms). */
    public static String forSession(String sessionCookie) {
        return Secrets.sha256("gatehouse-csrf\n" + sessionCookie);
    }

    private static String session(Exchange ex) {
        String s = ex.cookie(Sessions.COOKIE);
        return s == null || s.isEmpty() || s.length() > 100 ? null : s;
    }
}
