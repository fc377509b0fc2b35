package io.gatehouse.app;

import io.gatehouse.http.ApiException;
import io.gatehouse.http.JsonBody;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads app registrations and changes from JSON bodies, naming the field of any mistake. */
final class AppRequests {
    private AppRequests() {
    }

    static Apps.Registration registration(JsonBody b, Set<Long> testUsers) {
        String typeText = b.optionalString("type", 20);
        App.ClientType type = App.ClientType.CONFIDENTIAL;
        if (typeText != null) {
            type = switch (typeText.toLowerCase(Locale.ROOT)) {
                case "confidential" -> App.ClientType.CONFIDENTIAL;
                case "public" -> App.ClientType.PUBLIC;
                default -> throw ApiException.invalid("type must be confidential or public");
            };
        }
        List<String> uris = b.optionalStrings("redirect_uris", RedirectUris.MAX, 2000);
        if (uris == null) {
            throw ApiException.invalid("redirect_uris is required");
        }
        List<String> permissions = b.optionalStrings("permissions", 100, 100);
        return new Apps.Registration(b.requiredString("name", 100).strip(), orEmpty(b.optionalString("description", 1000)),
                type, uris, permissions == null ? List.of() : permissions, testUsers);
    }

    /** SPEC §5 v2 fields kept in {@link ClientSettings}; null when absent, checked before anything is stored. */
    record OidcFields(List<String> postLogoutRedirectUris, List<String> allowedOrigins) {
    }

    static OidcFields oidcFields(JsonBody b) {
        List<String> logout = b.optionalStrings("post_logout_redirect_uris", ClientSettings.MAX, 2000);
        List<String> origins = b.optionalStrings("allowed_origins", ClientSettings.MAX, 300);
        return new OidcFields(logout == null ? null : ClientSettings.logoutUris(logout),
                origins == null ? null : ClientSettings.origins(origins));
    }

    static String orEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    static String name(JsonBody b) {
        if (!b.has("name")) {
            return null;
        }
        return b.requiredString("name", 100).strip();
    }
}
