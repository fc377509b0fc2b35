package io.gatehouse.oauth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.app.App;

/** RFC 6749 §5.1, plus SPEC §5's {@code app_info}. */
public record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("scope") String scope,
        @JsonProperty("app_info") AppInfo appInfo,
        @JsonProperty("id_token") @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String idToken) {

    public TokenResponse(String accessToken, String tokenType, long expiresIn, String refreshToken, String scope,
                         AppInfo appInfo) {
        this(accessToken, tokenType, expiresIn, refreshToken, scope, appInfo, null);
    }

    /** OpenID Connect Core 1.0 §3.1.3.3: the same response with an id_token. */
    public TokenResponse withIdToken(String value) {
        return new TokenResponse(accessToken, tokenType, expiresIn, refreshToken, scope, appInfo, value);
    }

    public record AppInfo(@JsonProperty("client_id") String clientId, @JsonProperty("name") String name,
                          @JsonProperty("mode") String mode,
                          @JsonProperty("rate_limit_per_minute") int rateLimitPerMinute) {
        static AppInfo of(App app) {
            return new AppInfo(app.clientId(), app.name(), app.mode().wire(), app.rateLimitPerMinute());
        }
    }

    @Override
    public String toString() {
        return "TokenResponse[" + appInfo.clientId() + "]";
    }
}
