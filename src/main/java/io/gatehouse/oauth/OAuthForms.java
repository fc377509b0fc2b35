package io.gatehouse.oauth;

import io.gatehouse.http.Exchange;
import io.gatehouse.core.DomainException;
import io.gatehouse.core.FormData;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The form body of the OAuth endpoints (application/x-www-form-urlencoded), with OAuth's errors. */
final class OAuthForms {
    private OAuthForms() {
    }

    static Map<String, String> form(Exchange ex) {
        String type = ex.header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw OAuthException.invalidRequest("The body must be application/x-www-form-urlencoded.");
        }
        byte[] body = ex.body(); // over the size limit: 413 in the API's shape, like every other endpoint
        String text = new String(body, StandardCharsets.UTF_8);
        String repeated;
        Map<String, String> form;
        try {
            form = FormData.parse(text);
            repeated = FormData.firstRepeated(text);
        } catch (DomainException e) {
            throw OAuthException.invalidRequest("The body is not valid application/x-www-form-urlencoded.");
        }
        if (repeated != null) {
            // RFC 6749 §3.2: request parameters must not be included more than once.
            throw OAuthException.invalidRequest("The parameter " + safeName(repeated) + " is repeated.");
        }
        return form;
    }

    /** A parameter name for a message: short and printable, as it came from the client. */
    static String safeName(String name) {
        String s = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        return s.replaceAll("[^A-Za-z0-9_.-]", "?");
    }
}
