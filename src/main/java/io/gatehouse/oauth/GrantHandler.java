package io.gatehouse.oauth;

import io.gatehouse.app.App;
import java.util.Map;

/** One {@code grant_type} of the token endpoint, found by exact name in {@link TokenEndpoint}'s registry. */
@FunctionalInterface
public interface GrantHandler {
    /** Turns an authenticated client's form into tokens, or throws {@link OAuthException}. */
    TokenResponse handle(App client, Map<String, String> form);
}
