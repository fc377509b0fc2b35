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
        try {
            return FormData.parse(new String(body, StandardCharsets.UTF_8));
        } catch (DomainException e) {
            throw OAuthException.invalidRequest("The body is not valid application/x-www-form-urlencoded.");
        }
    }
}
