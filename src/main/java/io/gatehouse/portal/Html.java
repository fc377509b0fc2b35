package io.gatehouse.portal;

import io.gatehouse.http.Exchange;
import java.nio.charset.StandardCharsets;

/** Server-rendered pages: escaping, the shared layout, and the headers every page carries (SPEC §8, §11). */
public final class Html {
    private Html() {
    }

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A page without navigation (login, consent, errors), in the portal's look. */
    public static void page(Exchange ex, int status, String title, String body, String... formTargets) {
        layout(ex, status, title, "<header class=\"top\"><span class=\"brand\">Gatehouse</span></header>"
                + "<main id=\"main\" class=\"content narrow\">" + body + "</main>", formTargets);
    }

    /** Sends a page. {@code formTargets} are extra origins forms may submit to (the consent page's redirect). */
    public static void layout(Exchange ex, int status, String title, String body, String... formTargets) {
        String formAction = "'self'" + (formTargets.length == 0 ? "" : " " + String.join(" ", formTargets));
        ex.header("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                + " script-src 'self'; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'");
        ex.header("X-Frame-Options", "DENY");
        ex.header("Referrer-Policy", "no-referrer");
        ex.header("Cache-Control", "no-store");
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + " · Gatehouse</title><link rel=\"stylesheet\" href=\"/portal/static/portal.css\">"
                + "<script src=\"/portal/static/portal.js\" defer></script>"
                + "</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>" + body + "</body></html>";
        ex.send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }
}
